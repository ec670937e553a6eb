using UnityEngine;

namespace PoseBridge
{
    /// <summary>
    /// Draws the hands a <c>pose-bridge serve --hands</c> stream carries (21 joints and 21 bones per hand, protocol/SPEC.md
    /// §4c) on a <see cref="SkeletonView"/>'s skeleton: each hand hangs from the body's wrist joint, so it moves with the
    /// skeleton wherever that is drawn, with the view's Coordinates, Axis Mapping, Scale and Mirror.
    /// </summary>
    /// <remarks>
    /// Frames come through a <see cref="PoseFeed"/> of its own on a shared <see cref="PoseConnection"/>: the one
    /// assigned, else the Show_Skeleton's, else the view's; the wrists from the View, else the Show_Skeleton's view.
    /// With none of Connection, View and Show_Skeleton assigned it takes the first Show_Skeleton in the scene, else the
    /// first SkeletonView (and, when that has no connection, the first Pose Connection). The newest frame is applied in
    /// <c>LateUpdate</c>, after the views have placed the wrists; a hand that is not in the newest frame is hidden at
    /// once, never left where it was. Nothing is drawn while the stream has no hands. The maths is in the plain C#
    /// core (<see cref="Hands"/>). <see cref="Show_Skeleton"/> adds one itself (its Show Hands).
    /// </remarks>
    [AddComponentMenu("Pose Bridge/Hands View")]
    [DefaultExecutionOrder(50)] // after SkeletonView (0): the wrists are where this frame put them
    public sealed class HandsView : MonoBehaviour
    {
        [Tooltip("The connection frames come from (a Pose Connection component). Empty: the Show_Skeleton's, else the View's.")]
        [SerializeField] PoseConnection _connection;

        [Tooltip("The skeleton whose wrists the hands hang from, and whose Coordinates, Axis Mapping, Scale and Mirror " +
                 "they follow. Empty: the Show_Skeleton's.")]
        [SerializeField] SkeletonView _view;

        [Tooltip("A Show_Skeleton whose connection and skeleton are used when Connection or View is empty. With none of " +
                 "the three: the first Show_Skeleton in the scene, else the first Skeleton View.")]
        [SerializeField] Show_Skeleton _skeleton;

        [Tooltip("Whose hands: a person's id when the server tracks several (serve --max-people N); 0 = the primary person.")]
        [Min(0)] [SerializeField] int _personId;

        [Tooltip("Diameter of a finger joint sphere.")]
        [SerializeField] float _jointSize = 0.012f;

        [Tooltip("Width of a finger bone line.")]
        [SerializeField] float _boneWidth = 0.005f;

        [SerializeField] Color _leftColor = new Color(1.00f, 0.45f, 0.15f);
        [SerializeField] Color _rightColor = new Color(0.20f, 0.55f, 1.00f);

        [Tooltip("Material of the bone lines; empty: Sprites/Default, else URP's Particles/Unlit (its shader must use vertex colours).")]
        [SerializeField] Material _lineMaterial;

        readonly FeedHolder _feed = new FeedHolder();
        readonly Vec3[] _offsets = new Vec3[Protocol.HandLandmarks];
        readonly Transform[][] _joints = new Transform[2][];
        readonly LineRenderer[][] _bones = new LineRenderer[2][];
        GameObject _root;
        Material _ownLineMaterial;
        HelloMessage _builtFor;
        int[][] _boneEnds;

        /// <summary>The id of the person whose hands are drawn (0: the primary person).</summary>
        public int PersonId { get { return _personId; } set { _personId = Mathf.Max(0, value); } }

        /// <summary>The connection frames come from (null: the <see cref="Skeleton"/>'s, else the <see cref="View"/>'s).</summary>
        public PoseConnection Connection { get { return _connection; } set { _connection = value; } }

        /// <summary>The skeleton the hands hang from (null: the <see cref="Skeleton"/>'s view).</summary>
        public SkeletonView View { get { return _view; } set { _view = value; } }

        /// <summary>The Show_Skeleton used for what is not assigned (set before enabling; null: found in the scene).</summary>
        public Show_Skeleton Skeleton { get { return _skeleton; } set { _skeleton = value; } }

        /// <summary>The client frames come from; null while no feed is open.</summary>
        public PoseClient Client { get { return _feed.Feed != null ? _feed.Feed.Client : null; } }

        public float JointSize { get { return _jointSize; } set { _jointSize = value; } }
        public float BoneWidth { get { return _boneWidth; } set { _boneWidth = value; } }
        public Color LeftColor { get { return _leftColor; } set { _leftColor = value; } }
        public Color RightColor { get { return _rightColor; } set { _rightColor = value; } }

        /// <summary>Material of the bone lines (applies when the hands are next built); null: Sprites/Default, else URP's Particles/Unlit.</summary>
        public Material LineMaterial { get { return _lineMaterial; } set { _lineMaterial = value; } }

        /// <summary>Whether the left (<paramref name="left"/>) or right hand is shown now.</summary>
        public bool Shown(bool left)
        {
            Transform[] joints = _joints[left ? 0 : 1];
            return joints != null && joints[0] != null && joints[0].gameObject.activeSelf;
        }

        SkeletonView Wrists { get { return _view != null ? _view : (_skeleton != null ? _skeleton.View : null); } }

        void OnEnable()
        {
            Sharing.FindDefault(ref _skeleton, ref _view);
            if (_connection == null && _skeleton == null && (_view == null || _view.Connection == null))
                _connection = Sharing.Find<PoseConnection>();
            if (_skeleton == null && _view == null)
                Debug.LogWarning("HandsView: no Show_Skeleton or Skeleton View in the scene to hang the hands on", this);
        }

        void OnDisable()
        {
            _feed.Dispose(); // the last feed of a shared connection closes it
            DestroyHands();
            if (_ownLineMaterial != null)
            {
                Destroy(_ownLineMaterial);
                _lineMaterial = _ownLineMaterial = null;
            }
        }

        void LateUpdate()
        {
            // (Re)opened when the connection appears (a Show_Skeleton makes it when enabled), changes or comes back.
            PoseFeed feed = _feed.Follow(Sharing.Connection(_connection, _skeleton, _view), Sharing.Open);
            FrameMessage frame;
            if (feed == null || !feed.TryTakeFresh(out frame))
                return;
            HelloMessage hello = feed.Client.Hello;
            if (hello == null || !hello.HasHands)
            {
                Hide(0);
                Hide(1);
                return;
            }
            if (!ReferenceEquals(hello, _builtFor))
                Build(hello);
            SkeletonView view = Wrists;
            double aspect = hello.Source != null && hello.Source.Width > 0 && hello.Source.Height > 0
                ? (double)hello.Source.Width.Value / hello.Source.Height.Value
                : 1.0;
            for (int s = 0; s < 2; s++)
            {
                bool left = s == 0;
                HandMessage hand = Hands.Find(frame, _personId, left);
                // the person's left hand hangs from the body's left wrist joint, wherever the view draws it (mirrored too)
                Transform wrist = view != null ? view.GetJoint(Hands.BodyWrist(left)) : null;
                if (wrist == null || !Hands.TryGetOffsets(hand, view.CoordinateSpace, view.AxisMapping, aspect, view.Mirror,
                        view.Scale, _offsets))
                {
                    Hide(s);
                    continue;
                }
                Transform[] joints = _joints[s];
                for (int i = 0; i < joints.Length; i++)
                {
                    Vec3 o = _offsets[i];
                    joints[i].position = wrist.position + new Vector3((float)o.X, (float)o.Y, (float)o.Z);
                    joints[i].gameObject.SetActive(true);
                }
                LineRenderer[] bones = _bones[s];
                for (int b = 0; b < bones.Length; b++)
                {
                    bones[b].SetPosition(0, joints[_boneEnds[b][0]].position);
                    bones[b].SetPosition(1, joints[_boneEnds[b][1]].position);
                    bones[b].enabled = true;
                }
            }
        }

        void Build(HelloMessage hello)
        {
            DestroyHands();
            _builtFor = hello;
            _boneEnds = hello.HandBones;
            _root = new GameObject("Hands");
            if (_lineMaterial == null)
            {
                Shader shader = Primitives.FindLineShader();
                if (shader != null)
                    _lineMaterial = _ownLineMaterial = new Material(shader);
            }
            for (int s = 0; s < 2; s++)
            {
                Color color = s == 0 ? _leftColor : _rightColor;
                string side = s == 0 ? "left" : "right";
                var joints = new Transform[Protocol.HandLandmarks];
                for (int i = 0; i < joints.Length; i++)
                {
                    string name = side + " " + (i < hello.HandLandmarks.Length ? hello.HandLandmarks[i] : i.ToString());
                    GameObject sphere = Primitives.Create(PrimitiveType.Sphere, name);
                    sphere.transform.SetParent(_root.transform, false);
                    sphere.transform.localScale = Vector3.one * _jointSize;
                    sphere.GetComponent<Renderer>().material.color = color;
                    sphere.SetActive(false);
                    joints[i] = sphere.transform;
                }
                var bones = new LineRenderer[_boneEnds.Length];
                for (int b = 0; b < bones.Length; b++)
                    bones[b] = Primitives.Line(side + " hand bone " + b, _root.transform, _lineMaterial, _boneWidth, color);
                _joints[s] = joints;
                _bones[s] = bones;
            }
        }

        void DestroyHands()
        {
            if (_root != null)
                Destroy(_root);
            _root = null;
            for (int s = 0; s < 2; s++)
            {
                _joints[s] = null;
                _bones[s] = null;
            }
            _boneEnds = null;
            _builtFor = null;
        }

        void Hide(int s)
        {
            if (_joints[s] == null)
                return;
            foreach (Transform joint in _joints[s])
                joint.gameObject.SetActive(false);
            foreach (LineRenderer line in _bones[s])
                line.enabled = false;
        }
    }
}
