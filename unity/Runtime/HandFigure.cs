using System.Collections.Generic;
using UnityEngine;

namespace PoseBridge
{
    /// <summary>
    /// The GameObjects of one person's two hands (21 joint spheres and the bone lines per hand) under a root
    /// GameObject; each hand is shown and hidden on its own. Positions are world positions. Which person's hands it
    /// draws is decided by <see cref="HandFigures{T}"/>: a pooled figure moves from person to person.
    /// </summary>
    sealed class HandFigure
    {
        readonly GameObject _root;
        readonly Transform[][] _joints = new Transform[2][];
        readonly LineRenderer[][] _bones = new LineRenderer[2][];
        readonly int[][] _boneEnds;
        readonly List<Material> _materials = new List<Material>();

        /// <summary>
        /// Builds both hands (hidden) for <paramref name="hello"/>'s hand landmarks and bones, side 0 the left hand in
        /// <paramref name="left"/>, side 1 the right in <paramref name="right"/>.
        /// </summary>
        public HandFigure(string name, Transform parent, HelloMessage hello, float jointSize, float boneWidth,
            Material lineMaterial, Color left, Color right)
        {
            _root = new GameObject(name);
            _root.transform.SetParent(parent, false);
            _boneEnds = hello.HandBones;
            for (int s = 0; s < 2; s++)
            {
                Color color = s == 0 ? left : right;
                string side = s == 0 ? "left" : "right";
                var joints = new Transform[Protocol.HandLandmarks];
                Material material = null; // one per hand, shared by its joints, destroyed with the figure
                for (int i = 0; i < joints.Length; i++)
                {
                    string joint = side + " " + (i < hello.HandLandmarks.Length ? hello.HandLandmarks[i] : i.ToString());
                    GameObject sphere = Primitives.Create(PrimitiveType.Sphere, joint);
                    sphere.transform.SetParent(_root.transform, false);
                    sphere.transform.localScale = Vector3.one * jointSize;
                    var renderer = sphere.GetComponent<Renderer>();
                    if (material == null)
                    {
                        material = renderer.material; // an instance of the sphere's material
                        material.color = color;
                        _materials.Add(material);
                    }
                    else
                        renderer.sharedMaterial = material;
                    joints[i] = sphere.transform;
                }
                var bones = new LineRenderer[_boneEnds.Length];
                for (int b = 0; b < bones.Length; b++)
                    bones[b] = Primitives.Line(side + " hand bone " + b, _root.transform, lineMaterial, boneWidth, color);
                _joints[s] = joints;
                _bones[s] = bones;
                Hide(s);
            }
        }

        /// <summary>Whether hand <paramref name="side"/> (0 left, 1 right) is shown now.</summary>
        public bool Shown(int side) { return _root.activeSelf && _joints[side][0].gameObject.activeSelf; }

        /// <summary>Show or hide both hands at once (the root GameObject); a shown figure shows the hands placed.</summary>
        public void SetVisible(bool visible)
        {
            if (_root.activeSelf != visible)
                _root.SetActive(visible);
        }

        /// <summary>Show hand <paramref name="side"/> with its joints at <paramref name="wrist"/> + <paramref name="offsets"/>.</summary>
        public void Place(int side, Vector3 wrist, Vec3[] offsets)
        {
            Transform[] joints = _joints[side];
            for (int i = 0; i < joints.Length; i++)
            {
                Vec3 o = offsets[i];
                joints[i].position = wrist + new Vector3((float)o.X, (float)o.Y, (float)o.Z);
                if (!joints[i].gameObject.activeSelf)
                    joints[i].gameObject.SetActive(true);
            }
            LineRenderer[] bones = _bones[side];
            for (int b = 0; b < bones.Length; b++)
            {
                bones[b].SetPosition(0, joints[_boneEnds[b][0]].position);
                bones[b].SetPosition(1, joints[_boneEnds[b][1]].position);
                bones[b].enabled = true;
            }
        }

        /// <summary>Hide hand <paramref name="side"/> (0 left, 1 right).</summary>
        public void Hide(int side)
        {
            foreach (Transform joint in _joints[side])
                if (joint.gameObject.activeSelf)
                    joint.gameObject.SetActive(false);
            foreach (LineRenderer line in _bones[side])
                line.enabled = false;
        }

        public void Destroy()
        {
            UnityEngine.Object.Destroy(_root); // the joints and lines are its children
            foreach (Material m in _materials)
                UnityEngine.Object.Destroy(m);
            _materials.Clear();
        }
    }
}
