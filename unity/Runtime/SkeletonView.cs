using System;
using System.Collections.Generic;
using System.Globalization;
using UnityEngine;

namespace PoseBridge
{
    /// <summary>
    /// Draws skeletons — joints and bones — from a <see cref="PoseConnection"/> (live, everyone the server tracks)
    /// or from whatever feeds it (a <see cref="TxtPoseSource"/>, your script: <see cref="ShowFrame"/>,
    /// <see cref="ShowPoints"/>).
    /// </summary>
    /// <remarks>
    /// The skeleton's GameObjects are created under this one when the first pose arrives (rebuilt when the
    /// server's <c>hello</c> announces another topology) and destroyed when the component is disabled; your own
    /// Transforms in Joints are moved, never destroyed. Positions are world positions: <see cref="Origin"/> +
    /// the converted landmark (<see cref="Coordinates"/>); this GameObject's own transform does not move them.
    /// With several people (<c>serve --max-people N</c>) the primary person is drawn in the side colours, everyone
    /// else in a colour of their own, from a pool, so people coming and going allocate nothing new. Runs in
    /// <c>LateUpdate</c> after sources (<see cref="TxtPoseSource"/>) and before <see cref="FollowCamera"/> and
    /// <see cref="PoseStatus"/>.
    /// </remarks>
    [AddComponentMenu("Pose Bridge/Skeleton View")]
    [DefaultExecutionOrder(0)]
    public sealed class SkeletonView : MonoBehaviour
    {
        [Header("Source")]
        [Tooltip("Live frames from this connection. Empty: the skeleton is fed by a Txt Pose Source or a script.")]
        [SerializeField] PoseConnection _connection;

        [Header("Coordinates")]
        [Tooltip(Tooltips.Coordinates)]
        [SerializeField] CoordinateSpace _coordinates = CoordinateSpace.World;

        [Tooltip(Tooltips.AxisMapping)]
        [SerializeField] AxisMapping _axisMapping = AxisMapping.Standard;

        [Tooltip(Tooltips.Origin)]
        [SerializeField] Vector3 _origin = new Vector3(0f, 1f, 0f);

        [Tooltip(Tooltips.Scale)]
        [SerializeField] float _scale = 1f;

        [Tooltip(Tooltips.Mirror)]
        [SerializeField] bool _mirror;

        [Header("Joints and bones")]
        [Tooltip(Tooltips.Joints)]
        [SerializeField] Transform[] _joints = new Transform[33];

        [Tooltip(Tooltips.CreateSpheres)]
        [SerializeField] bool _createSpheres = true;

        [Tooltip(Tooltips.DrawBones)]
        [SerializeField] bool _drawBones = true;

        [Tooltip(Tooltips.JointSize)]
        [SerializeField] float _jointSize = 0.05f;

        [Tooltip(Tooltips.BoneWidth)]
        [SerializeField] float _boneWidth = 0.02f;

        [SerializeField] Color _leftColor = new Color(1.00f, 0.45f, 0.15f);
        [SerializeField] Color _rightColor = new Color(0.20f, 0.55f, 1.00f);
        [SerializeField] Color _centerColor = new Color(0.90f, 0.90f, 0.90f);

        [Tooltip(Tooltips.JointMaterial)]
        [SerializeField] Material _jointMaterial;

        [Tooltip(Tooltips.LineMaterial)]
        [SerializeField] Material _lineMaterial;

        [Header("Visibility")]
        [Tooltip(Tooltips.LowVisibility)]
        [SerializeField] LowVisibility _lowVisibility = LowVisibility.Fade;

        [Tooltip(Tooltips.HideBelow)]
        [Range(0f, 1f)] [SerializeField] float _hideBelow = 0.3f;

        [Tooltip(Tooltips.FullAbove)]
        [Range(0f, 1f)] [SerializeField] float _fullAbove = 0.8f;

        [Tooltip(Tooltips.KeepLastPose)]
        [SerializeField] bool _keepLastPose = true;

        [Header("Several people")]
        [Tooltip(Tooltips.ShowEveryone)]
        [SerializeField] bool _showEveryone = true;

        [Tooltip(Tooltips.SharedSpace)]
        [SerializeField] bool _sharedSpace = true;

        [Tooltip(Tooltips.LabelPeople)]
        [SerializeField] bool _labelPeople = true;

        [Tooltip("The camera the labels are placed for. Empty: the Main Camera.")]
        [SerializeField] Camera _labelCamera;

        readonly FeedHolder _feed = new FeedHolder();
        HelloMessage _builtFor;
        Topology _topology;
        SkeletonFigure _primary;
        long _primaryId; // the id of the person the primary figure shows (0: the frame had no people)
        // Everyone but the primary person, by id; figures of people gone are re-tinted and reused.
        readonly PersonPool<SkeletonFigure> _others = new PersonPool<SkeletonFigure>();
        static readonly Action<SkeletonFigure> _hideFigure = f => f.SetVisible(false);
        readonly List<Label> _labels = new List<Label>();
        readonly Dictionary<long, string> _labelText = new Dictionary<long, string>();
        bool _detected;
        long _shownFrame = -1;
        string _hint;
        Vector3 _hips;
        bool _hasHips;

        struct Label
        {
            public Vector3 Position;
            public string Text;
        }

        /// <summary>
        /// The connection live frames come from; null: fed by a <see cref="TxtPoseSource"/> or a script. Setting it
        /// on an enabled view opens the feed at once (so the connection's client exists when this returns).
        /// </summary>
        public PoseConnection Connection
        {
            get { return _connection; }
            set
            {
                _connection = value;
                if (Application.isPlaying && enabled && gameObject.activeInHierarchy)
                    FollowConnection();
            }
        }

        public CoordinateSpace CoordinateSpace { get { return _coordinates; } set { _coordinates = value; } }
        public AxisMapping AxisMapping { get { return _axisMapping; } set { _axisMapping = value; } }
        public Vector3 Origin { get { return _origin; } set { _origin = value; } }
        public float Scale { get { return _scale; } set { _scale = value; } }
        public bool Mirror { get { return _mirror; } set { _mirror = value; } }

        /// <summary>Your own Transforms per landmark (applies when the skeleton is next built); null: none.</summary>
        public Transform[] Joints { get { return _joints; } set { _joints = value; } }

        /// <summary>Generate spheres (applies when the skeleton is next built).</summary>
        public bool CreateSpheres { get { return _createSpheres; } set { _createSpheres = value; } }
        public bool DrawBones { get { return _drawBones; } set { _drawBones = value; } }
        public float JointSize { get { return _jointSize; } set { _jointSize = value; } }
        public float BoneWidth { get { return _boneWidth; } set { _boneWidth = value; } }
        public Color LeftColor { get { return _leftColor; } set { _leftColor = value; } }
        public Color RightColor { get { return _rightColor; } set { _rightColor = value; } }
        public Color CenterColor { get { return _centerColor; } set { _centerColor = value; } }
        public Material JointMaterial { get { return _jointMaterial; } set { _jointMaterial = value; } }
        public Material LineMaterial { get { return _lineMaterial; } set { _lineMaterial = value; } }
        public LowVisibility LowVisibility { get { return _lowVisibility; } set { _lowVisibility = value; } }
        public float HideBelow { get { return _hideBelow; } set { _hideBelow = value; } }
        public float FullAbove { get { return _fullAbove; } set { _fullAbove = value; } }
        public bool KeepLastPose { get { return _keepLastPose; } set { _keepLastPose = value; } }
        public bool ShowEveryone { get { return _showEveryone; } set { _showEveryone = value; } }
        public bool SharedSpace { get { return _sharedSpace; } set { _sharedSpace = value; } }
        public bool LabelPeople { get { return _labelPeople; } set { _labelPeople = value; } }

        /// <summary>The camera labels are placed for; null: the Main Camera.</summary>
        public Camera LabelCamera { get { return _labelCamera; } set { _labelCamera = value; } }

        /// <summary>Whether the last pose shown had a detected person.</summary>
        public bool Detected { get { return _detected; } }

        /// <summary>The frame number of the last pose shown (a frame's <c>seq</c>, a txt frame's number); -1 before.</summary>
        public long ShownFrame { get { return _shownFrame; } }

        /// <summary>A hint for the status line when the stream lacks what this view shows (null when fine).</summary>
        public string Hint { get { return _hint; } }

        /// <summary>Whether <see cref="Hips"/> is known (a skeleton with hips, <see cref="FollowMath.TryFindHips"/>, was shown).</summary>
        public bool HasHips { get { return _hasHips; } }

        /// <summary>Scene position of the primary person's hip centre (what a <see cref="FollowCamera"/> follows).</summary>
        public Vector3 Hips { get { return _hips; } }

        /// <summary>The primary person's joint Transform for a landmark index (generated or assigned); null when none.</summary>
        public Transform GetJoint(int landmark) { return _primary != null ? _primary.Joint(landmark) : null; }

        /// <summary>
        /// Person <paramref name="personId"/>'s joint Transform for a landmark index, as this view draws them in the
        /// newest frame it showed: 0 or the primary person's id gives the primary figure's joint, another id that
        /// person's figure's (Show Everyone). Null when the view does not draw that person now (not in that frame,
        /// Show Everyone off, no landmarks for the Coordinates, hidden) or has no such joint.
        /// </summary>
        public Transform GetJoint(long personId, int landmark)
        {
            SkeletonFigure figure = personId == 0 || personId == _primaryId ? _primary : _others.Get(personId);
            return figure != null && figure.Visible ? figure.Joint(landmark) : null;
        }

        void OnEnable()
        {
            // Nothing is built here: components added from a script are configured after OnEnable. The feed opens
            // in LateUpdate, or when Connection is set.
            _shownFrame = -1;
        }

        void OnDisable()
        {
            _feed.Dispose();
            DestroyFigures();
            _topology = null;
            _builtFor = null;
            _hasHips = false;
        }

        /// <summary>
        /// The feed of the Connection: opened the first time, reopened for another connection or one that was disabled
        /// and enabled again, closed when there is none.
        /// </summary>
        PoseFeed FollowConnection()
        {
            return _feed.Follow(_connection != null ? _connection : null, Sharing.Open); // null also for a destroyed one
        }

        void LateUpdate()
        {
            PoseFeed feed = FollowConnection();
            if (feed == null)
                return;
            PoseClient client = feed.Client;
            FrameMessage frame;
            bool fresh = feed.TryTakeFresh(out frame);
            HelloMessage hello = client != null ? client.Hello : null;
            if (hello != null && !ReferenceEquals(hello, _builtFor))
                Build(hello);
            if (fresh)
                ShowFrame(frame, hello);
        }

        void Build(HelloMessage hello)
        {
            _builtFor = hello;
            Build(Topology.FromHello(hello));
        }

        void Build(Topology topology)
        {
            DestroyFigures();
            _topology = topology;
            _primary = new SkeletonFigure("Primary", transform, topology, _joints, _createSpheres, _drawBones,
                _jointSize, _boneWidth, _jointMaterial, _lineMaterial, this, _leftColor, _rightColor, _centerColor);
        }

        void DestroyFigures()
        {
            if (_primary != null)
                _primary.Destroy();
            _primary = null;
            foreach (SkeletonFigure f in _others.Drain())
                f.Destroy();
            _labels.Clear();
        }

        /// <summary>
        /// Show a frame of the stream (the primary person, and everyone else with Show Everyone). The skeleton is
        /// built from <paramref name="hello"/>'s topology (rebuilt when another hello comes); without a hello, or
        /// while this view is disabled, nothing is shown. The image aspect comes from the hello's source size (1 when unknown).
        /// </summary>
        public void ShowFrame(FrameMessage frame, HelloMessage hello)
        {
            if (frame == null || hello == null || !enabled || !gameObject.activeInHierarchy)
                return;
            if (!ReferenceEquals(hello, _builtFor))
                Build(hello);
            float[] block = _coordinates == CoordinateSpace.Image ? frame.Image : frame.World;
            _detected = frame.Detected;
            _hint = frame.Detected && block == null
                ? "the server sends no " + (_coordinates == CoordinateSpace.Image ? "image" : "world") +
                  " landmarks: change Coordinates"
                : null;
            _shownFrame = frame.Seq;
            _primaryId = frame.People != null && frame.People.Count > 0 ? frame.People[0].Id : 0;
            double aspect = 1.0;
            if (hello.Source != null && hello.Source.Width.HasValue && hello.Source.Height.HasValue && hello.Source.Height.Value > 0)
                aspect = (double)hello.Source.Width.Value / hello.Source.Height.Value;
            ShowBlock(block, aspect);
            ShowPeople(frame, aspect);
        }

        void ShowBlock(float[] block, double aspect)
        {
            if (block == null)
            {
                if (!_keepLastPose)
                    _primary.SetVisible(false);
                return;
            }
            int n = ApplyTo(_primary, block, aspect, Vector3.zero);
            if (n > 24)
            {
                Vec3 hips = Coordinates.HipCenter(block, _coordinates, _axisMapping, aspect, _mirror, _scale);
                _hips = _origin + ToVector(hips);
                _hasHips = true;
            }
        }

        /// <summary>Everyone but the primary person (whom the primary figure shows), pooled, one colour per id.</summary>
        void ShowPeople(FrameMessage frame, double aspect)
        {
            _labels.Clear();
            List<PersonMessage> people = _showEveryone ? frame.People : null;
            PersonMessage primary = people != null && people.Count > 0 ? people[0] : null;
            _others.Retire(people, _hideFigure);
            if (primary == null || _topology == null)
                return;
            bool world = _coordinates == CoordinateSpace.World;
            AddLabel(primary.Id, _primary, 0);
            for (int k = 1; k < people.Count; k++)
            {
                PersonMessage person = people[k];
                float[] block = world ? person.World : person.Image;
                if (block == null)
                {
                    SkeletonFigure stale = _others.Get(person.Id); // not left where it was
                    if (stale != null)
                        stale.SetVisible(false);
                    continue;
                }
                bool reused;
                SkeletonFigure figure = _others.Take(person.Id, out reused);
                if (figure == null || reused)
                {
                    float r, g, b;
                    People.ColorForId(person.Id, out r, out g, out b);
                    var tint = new Color(r, g, b);
                    if (reused)
                        figure.Tint(tint);
                    else
                    {
                        figure = new SkeletonFigure("Person", transform, _topology, null, _createSpheres, _drawBones, _jointSize,
                            _boneWidth, _jointMaterial, _lineMaterial, this, tint, tint, tint);
                        _others.Add(person.Id, figure);
                    }
                }
                Vector3 offset = world && _sharedSpace
                    ? ToVector(People.RootOffset(person, primary, _axisMapping, _mirror, _scale))
                    : Vector3.zero;
                ApplyTo(figure, block, aspect, offset);
                AddLabel(person.Id, figure, 0);
            }
        }

        void AddLabel(long id, SkeletonFigure figure, int joint)
        {
            Transform head = figure != null ? figure.Joint(joint) : null;
            if (!_labelPeople || head == null)
                return;
            string text;
            if (!_labelText.TryGetValue(id, out text))
            {
                text = "id " + id.ToString(CultureInfo.InvariantCulture);
                _labelText[id] = text;
            }
            _labels.Add(new Label { Position = head.position + Vector3.up * (_jointSize * 4f), Text = text });
        }

        /// <summary>Pose <paramref name="figure"/> from a landmark block, shifted by <paramref name="offset"/>; returns the joints set.</summary>
        int ApplyTo(SkeletonFigure figure, float[] block, double aspect, Vector3 offset)
        {
            figure.SetVisible(true);
            int n = Math.Min(figure.Count, block.Length / Protocol.Fields);
            for (int i = 0; i < n; i++)
            {
                Vec3 p = Coordinates.Landmark(block, i, _coordinates, _axisMapping, aspect, _mirror, _scale);
                float alpha = JointVisibility.Alpha(_lowVisibility, block[i * Protocol.Fields + 3], _hideBelow, _fullAbove);
                figure.SetJoint(i, _origin + offset + ToVector(p), alpha);
            }
            figure.UpdateBones();
            return n;
        }

        /// <summary>
        /// Show points of a recording (one person): <paramref name="points"/> by joint slot of
        /// <paramref name="topology"/> (null where missing: that joint is hidden), converted with this view's
        /// coordinate settings and <paramref name="aspect"/> (image coordinates' width / height). The skeleton is
        /// rebuilt when <paramref name="topology"/> is another object. A frame without a detection keeps the last
        /// pose (Keep Last Pose) or hides it. Points are drawn fully visible (txt files carry no visibility). Nothing
        /// happens while this view is disabled.
        /// </summary>
        public void ShowPoints(Topology topology, Vec3?[] points, bool detected, long frame, double aspect = 1.0)
        {
            if (topology == null || points == null || !enabled || !gameObject.activeInHierarchy)
                return;
            if (!ReferenceEquals(topology, _topology) || _primary == null)
            {
                _builtFor = null;
                Build(topology);
            }
            _shownFrame = frame;
            _primaryId = 0;
            _detected = detected;
            _hint = null;
            if (!detected)
            {
                if (!_keepLastPose)
                    _primary.SetVisible(false);
                return;
            }
            _primary.SetVisible(true);
            if (!(aspect > 0))
                aspect = 1.0;
            for (int i = 0; i < points.Length && i < _primary.Count; i++)
            {
                if (!points[i].HasValue)
                {
                    _primary.SetJoint(i, Vector3.zero, 0f);
                    continue;
                }
                _primary.SetJoint(i, _origin + ToVector(Convert(points[i].Value, aspect)), 1f);
            }
            _primary.UpdateBones();
            int left, right;
            if (FollowMath.TryFindHips(topology, out left, out right) && left < points.Length && right < points.Length &&
                points[left].HasValue && points[right].HasValue)
            {
                Vec3 hips = (Convert(points[left].Value, aspect) + Convert(points[right].Value, aspect)) * 0.5;
                _hips = _origin + ToVector(hips);
                _hasHips = true;
            }
        }

        Vec3 Convert(Vec3 p, double aspect)
        {
            return Coordinates.ToUnity(_coordinates, _axisMapping, p.X, p.Y, p.Z, aspect, _mirror, _scale);
        }

        static Vector3 ToVector(Vec3 v)
        {
            return new Vector3((float)v.X, (float)v.Y, (float)v.Z);
        }

        void OnGUI()
        {
            // OnGUI runs several times per frame (layout, repaint...): draw the labels LateUpdate placed, on repaint only.
            if (_labels.Count == 0 || Event.current.type != EventType.Repaint)
                return;
            Camera cam = _labelCamera != null ? _labelCamera : Camera.main;
            if (cam == null)
                return;
            foreach (Label label in _labels)
            {
                Vector3 p = cam.WorldToScreenPoint(label.Position);
                if (p.z > 0f)
                    GUI.Label(new Rect(p.x - 20f, Screen.height - p.y - 10f, 60f, 20f), label.Text);
            }
        }
    }
}
