using System.Collections.Generic;
using UnityEngine;

namespace PoseBridge
{
    /// <summary>
    /// The GameObjects of one person's skeleton: joints (generated spheres or assigned Transforms) and bone lines
    /// under a root GameObject (hidden and shown as a whole). Positions are world positions.
    /// </summary>
    sealed class SkeletonFigure
    {
        readonly GameObject _root;
        readonly Transform[] _joints;
        readonly bool[] _generated;
        readonly float[] _alpha;
        readonly LineRenderer[] _bones;
        readonly int[][] _boneEnds;
        readonly float _jointSize;
        readonly float _boneWidth;
        readonly Color[] _boneColors;
        readonly List<Material> _materials = new List<Material>();
        readonly List<Material> _jointMaterials = new List<Material>();
        static bool _warnedLineShader;

        public SkeletonFigure(string name, Transform parent, Topology topology, Transform[] assigned, bool createSpheres, bool drawBones,
            float jointSize, float boneWidth, Material jointMaterial, Material lineMaterial, UnityEngine.Object owner,
            Color left, Color right, Color center)
        {
            _root = new GameObject(name);
            _root.transform.SetParent(parent, false);
            _jointSize = jointSize;
            _boneWidth = boneWidth;
            int n = topology.Count;
            _joints = new Transform[n];
            _generated = new bool[n];
            _alpha = new float[n];
            for (int i = 0; i < n; i++)
            {
                Transform own = assigned != null && i < assigned.Length ? assigned[i] : null;
                if (own != null)
                {
                    _joints[i] = own;
                    continue;
                }
                if (!createSpheres)
                    continue;
                GameObject sphere = Primitives.Create(PrimitiveType.Sphere, topology.Landmarks[i]);
                sphere.transform.SetParent(_root.transform, false);
                sphere.transform.localScale = Vector3.one * jointSize;
                var renderer = sphere.GetComponent<Renderer>();
                if (jointMaterial != null)
                    renderer.sharedMaterial = jointMaterial;
                Material material = renderer.material; // an instance of its own, destroyed with the view
                material.color = Pick(topology.Sides[i], left, right, center);
                _materials.Add(material);
                _jointMaterials.Add(material);
                _joints[i] = sphere.transform;
                _generated[i] = true;
            }
            int bones = drawBones ? topology.Bones.Length : 0;
            _bones = new LineRenderer[bones];
            _boneEnds = topology.Bones;
            _boneColors = new Color[bones];
            if (bones > 0 && lineMaterial == null)
            {
                Shader shader = Primitives.FindLineShader(); // the colours and the fading are vertex colours and alpha
                if (shader != null)
                {
                    lineMaterial = new Material(shader);
                    _materials.Add(lineMaterial);
                }
                else if (!_warnedLineShader)
                {
                    _warnedLineShader = true;
                    Debug.LogWarning("SkeletonView: no shader for the bone lines (Sprites/Default is not in this build): " +
                                     "assign a Line Material whose shader uses vertex colours", owner);
                }
            }
            for (int b = 0; b < bones; b++)
            {
                _boneColors[b] = Pick(topology.BoneSide(b), left, right, center);
                _bones[b] = Primitives.Line("bone " + topology.Landmarks[_boneEnds[b][0]] + "-" + topology.Landmarks[_boneEnds[b][1]],
                    _root.transform, lineMaterial, boneWidth, _boneColors[b]);
            }
            SetVisible(false);
        }

        static Color Pick(string side, Color left, Color right, Color center)
        {
            if (side == "left") return left;
            if (side == "right") return right;
            return center;
        }

        public int Count { get { return _joints.Length; } }

        /// <summary>One colour for every joint and bone (a pooled view taken by another person).</summary>
        public void Tint(Color color)
        {
            foreach (Material m in _jointMaterials)
                m.color = color;
            for (int b = 0; b < _boneColors.Length; b++)
                _boneColors[b] = color;
        }

        public Transform Joint(int i) { return i >= 0 && i < _joints.Length ? _joints[i] : null; }

        /// <summary>Whether the figure is shown (its root GameObject active).</summary>
        public bool Visible { get { return _root.activeSelf; } }

        public void SetVisible(bool visible)
        {
            if (_root.activeSelf != visible)
                _root.SetActive(visible);
        }

        public void SetJoint(int i, Vector3 position, float alpha)
        {
            _alpha[i] = alpha;
            Transform t = _joints[i];
            if (t == null)
                return;
            t.position = position;
            if (!_generated[i])
                return;
            bool show = alpha > 0f;
            if (t.gameObject.activeSelf != show)
                t.gameObject.SetActive(show);
            t.localScale = Vector3.one * (_jointSize * alpha);
        }

        public void UpdateBones()
        {
            for (int b = 0; b < _bones.Length; b++)
            {
                int a = _boneEnds[b][0], c = _boneEnds[b][1];
                float alpha = Mathf.Min(_alpha[a], _alpha[c]);
                LineRenderer line = _bones[b];
                bool show = alpha > 0f && _joints[a] != null && _joints[c] != null;
                line.enabled = show;
                if (!show)
                    continue;
                line.SetPosition(0, _joints[a].position);
                line.SetPosition(1, _joints[c].position);
                Color color = _boneColors[b];
                color.a = alpha;
                line.startColor = line.endColor = color;
                line.startWidth = line.endWidth = _boneWidth * Mathf.Max(alpha, 0.25f);
            }
        }

        public void Destroy()
        {
            // Generated joints and lines are children of the root; assigned Transforms are the user's and stay.
            UnityEngine.Object.Destroy(_root);
            foreach (Material m in _materials)
                UnityEngine.Object.Destroy(m);
            _materials.Clear();
        }
    }
}
