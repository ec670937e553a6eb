using System.Collections.Generic;
using UnityEngine;

namespace PoseBridge
{
    /// <summary>
    /// Shows a BlazePose skeleton live from <c>pose-bridge serve</c>, or from a txt recording, and makes
    /// the camera it sits on follow the body. Attach it to the Main Camera and press Play.
    /// </summary>
    /// <remarks>
    /// The one-script entry point: the class keeps the original thesis script's name so its instructions still
    /// hold, and its Inspector keeps every option in one place. When enabled it composes the package's components
    /// and configures them from its fields (every frame, so Inspector changes apply while playing):
    /// <list type="bullet">
    /// <item><see cref="PoseConnection"/> on this GameObject (source Server): the WebSocket client;</item>
    /// <item><see cref="SkeletonView"/> on a new GameObject "Skeleton": joints and bones, several people;</item>
    /// <item><see cref="TxtPoseSource"/> beside it (source TxtFile) playing the txt file into it;</item>
    /// <item>a second <see cref="SkeletonView"/> + <see cref="TxtPoseSource"/> ("Second skeleton") for Second Txt File;</item>
    /// <item><see cref="FollowCamera"/> and <see cref="PoseStatus"/> on this GameObject;</item>
    /// <item><see cref="HandsView"/> on this GameObject (source Server, Show Hands): the hands on the skeleton's wrists.</item>
    /// </list>
    /// The components on this GameObject are hidden in the Inspector (this one configures them); disabling this
    /// component (or leaving Play mode) destroys them all, which closes the connection and joins its thread.
    /// To build a scene of your own from the same parts, add them yourself (see the package README).
    /// Not supported on WebGL (no <c>ClientWebSocket</c> in browsers): use txt playback there.
    /// </remarks>
    [DisallowMultipleComponent]
    [AddComponentMenu("Pose Bridge/Show Skeleton")]
    [DefaultExecutionOrder(-100)]
    public sealed class Show_Skeleton : MonoBehaviour
    {
        public enum Source
        {
            /// <summary>Live frames from a pose-bridge server.</summary>
            Server,
            /// <summary>A txt recording played directly, no server needed.</summary>
            TxtFile,
        }

        [Header("Source")]
        [Tooltip("Where the pose comes from: a pose-bridge server, or a txt recording played directly.")]
        [SerializeField] Source _source = Source.Server;

        [Tooltip(Tooltips.Url)]
        [SerializeField] string _url = "ws://127.0.0.1:8765/";

        [Tooltip(Tooltips.Token)]
        [SerializeField] string _token = "";

        [Tooltip(Tooltips.WireFormat)]
        [SerializeField] WireFormat _wireFormat = WireFormat.MsgPack;

        [Tooltip("Txt recording to play (source TxtFile): 'Landmark [FRAME,INDEX]: (x, y, z)' lines. " +
                 "Absolute, or relative to the project folder (StreamingAssets in a build).")]
        [SerializeField] string _txtFile = "";

        [Tooltip("Frames per second of the txt recording.")]
        [Min(0.001f)] [SerializeField] float _txtFps = 30f;

        [Tooltip("Start the txt recording again at its end.")]
        [SerializeField] bool _txtLoop = true;

        [Tooltip("Width / height of the video a txt file in image coordinates was made from (live streams send it in hello).")]
        [SerializeField] float _txtImageAspect = 1f;

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

        [Header("Follow camera")]
        [Tooltip("Move this GameObject (the camera) along with the body.")]
        [SerializeField] bool _follow = true;

        [Tooltip(Tooltips.CameraOffset)]
        [SerializeField] Vector3 _cameraOffset = new Vector3(0f, 0.2f, -3f);

        [Tooltip(Tooltips.Smoothing)]
        [SerializeField] float _smoothing = 4f;

        [Tooltip(Tooltips.LookAt)]
        [SerializeField] bool _lookAt = true;

        [Tooltip(Tooltips.LookAtOffset)]
        [SerializeField] Vector3 _lookAtOffset = Vector3.zero;

        [Header("Second skeleton (e.g. ground truth)")]
        [Tooltip("Optional second txt file shown beside the first: a seed file, or a ground-truth file " +
                 "('Landmark [FRAME, mixamorig2:Bone]: (x, y, z)', Unity coordinates).")]
        [SerializeField] string _secondTxtFile = "";

        [Tooltip("Offset of the second skeleton from the first.")]
        [SerializeField] Vector3 _secondOffset = new Vector3(1.5f, 0f, 0f);

        [Tooltip("Coordinates of the second file: Unity for ground truth written from Unity; World/Image for seed files.")]
        [SerializeField] CoordinateSpace _secondCoordinates = CoordinateSpace.Unity;

        [SerializeField] Color _secondColor = new Color(0.3f, 0.9f, 0.3f);

        [Header("Several people")]
        [Tooltip(Tooltips.ShowEveryone)]
        [SerializeField] bool _showEveryone = true;
        [Tooltip(Tooltips.SharedSpace)]
        [SerializeField] bool _sharedSpace = true;
        [Tooltip(Tooltips.LabelPeople)]
        [SerializeField] bool _labelPeople = true;

        [Header("Hands")]
        [Tooltip("Draw the hands on the skeleton's wrists when the server sends them (pose-bridge serve --hands): a " +
                 "Hands View on this GameObject. Nothing is drawn while the stream has no hands.")]
        [SerializeField] bool _showHands = true;

        [Header("Status")]
        [Tooltip("Show connection, fps, latency and detection on screen.")]
        [SerializeField] bool _showStatus = true;

        [Tooltip("Keep receiving and drawing while the window is not focused (sets Application.runInBackground; " +
                 "a standalone player otherwise pauses when you click another window).")]
        [SerializeField] bool _runInBackground = true;

        PoseConnection _connection;
        SkeletonView _view;
        TxtPoseSource _txt;
        SkeletonView _secondView;
        TxtPoseSource _second;
        FollowCamera _follower;
        PoseStatus _status;
        HandsView _hands;
        Camera _camera;
        readonly List<Behaviour> _components = new List<Behaviour>(); // added to this GameObject
        readonly List<GameObject> _objects = new List<GameObject>(); // created, with their components

        /// <summary>The live client (null when playing a txt file or disabled).</summary>
        public PoseClient Client { get { return _connection != null ? _connection.Client : null; } }

        /// <summary>The connection this component made (source Server, while enabled), for other components to share.</summary>
        public PoseConnection Connection { get { return _connection; } }

        /// <summary>The skeleton (while enabled).</summary>
        public SkeletonView View { get { return _view; } }

        /// <summary>The second skeleton (while enabled, with a Second Txt File), else null.</summary>
        public SkeletonView SecondView { get { return _secondView; } }

        /// <summary>The hands drawn on the skeleton (source Server, while enabled), else null; Show Hands enables it.</summary>
        public HandsView Hands { get { return _hands; } }

        /// <summary>Whether the last applied frame had a detected person.</summary>
        public bool Detected { get { return _view != null && _view.Detected; } }

        /// <summary>Scene positions of the generated/assigned joints (for scripts that drive a rig from them).</summary>
        public Transform GetJoint(int landmark) { return _view != null ? _view.GetJoint(landmark) : null; }

        /// <summary>Person <paramref name="personId"/>'s joint as the skeleton draws them (<see cref="SkeletonView.GetJoint(long, int)"/>).</summary>
        public Transform GetJoint(long personId, int landmark) { return _view != null ? _view.GetJoint(personId, landmark) : null; }

        public void Pause() { if (_connection != null) _connection.Pause(); }
        public void Resume() { if (_connection != null) _connection.Resume(); }
        public void Seek(long frame) { if (_connection != null) _connection.Seek(frame); }

        /// <summary>Replay speed factor; null plays as fast as possible.</summary>
        public void SetSpeed(double? speed) { if (_connection != null) _connection.SetSpeed(speed); }

        /// <summary>The on-screen status text (also useful in logs).</summary>
        public string StatusText()
        {
            return _status != null ? _status.Compose() : PoseStatusText.Idle;
        }

        void OnEnable()
        {
            if (_runInBackground)
                Application.runInBackground = true;
            _camera = GetComponent<Camera>();
            _view = NewView("Skeleton");
            if (_source == Source.Server)
            {
                _connection = Add<PoseConnection>();
                _connection.Url = _url;
                _connection.Token = _token;
                _connection.WireFormat = _wireFormat;
                _connection.RunInBackground = _runInBackground;
                _hands = Add<HandsView>();
                _hands.Connection = _connection;
                _hands.View = _view;
                _hands.Skeleton = this;
            }
            else
                _txt = NewTxtSource(_view, _txtFile);
            if (!string.IsNullOrEmpty(_secondTxtFile))
            {
                _secondView = NewView("Second skeleton");
                _second = NewTxtSource(_secondView, _secondTxtFile);
            }
            _follower = Add<FollowCamera>();
            _follower.Target = _view;
            _status = Add<PoseStatus>();
            _status.Connection = _connection;
            _status.View = _view;
            var files = new List<TxtPoseSource>();
            if (_txt != null) files.Add(_txt);
            if (_second != null) files.Add(_second);
            _status.TxtSources = files.ToArray();
            Configure();
            if (_connection != null)
                _view.Connection = _connection; // opens the connection now: Client is there when OnEnable returns
        }

        void OnDisable()
        {
            // Disable first, so their OnDisable runs now (Destroy waits for the end of the frame): the connection
            // is closed and its thread joined before this returns, as before the split.
            foreach (Behaviour c in _components)
            {
                if (c == null)
                    continue;
                c.enabled = false;
                Destroy(c);
            }
            foreach (GameObject go in _objects)
            {
                if (go == null)
                    continue;
                go.SetActive(false);
                Destroy(go);
            }
            _components.Clear();
            _objects.Clear();
            _connection = null;
            _view = _secondView = null;
            _txt = _second = null;
            _follower = null;
            _status = null;
            _hands = null;
        }

        T Add<T>() where T : Behaviour
        {
            T c = gameObject.AddComponent<T>();
            c.hideFlags = HideFlags.HideInInspector;
            _components.Add(c);
            return c;
        }

        SkeletonView NewView(string name)
        {
            var go = new GameObject(name);
            _objects.Add(go);
            return go.AddComponent<SkeletonView>();
        }

        TxtPoseSource NewTxtSource(SkeletonView view, string file)
        {
            TxtPoseSource source = view.gameObject.AddComponent<TxtPoseSource>();
            source.TxtFile = file;
            source.View = view;
            return source;
        }

        void LateUpdate()
        {
            Configure(); // runs before the components (execution order -100): Inspector changes apply this frame
        }

        /// <summary>Hand the Inspector's settings to the components.</summary>
        void Configure()
        {
            if (_view != null)
            {
                Style(_view, _coordinates, _origin, _leftColor, _rightColor, _centerColor);
                _view.Joints = _joints;
                _view.ShowEveryone = _showEveryone;
                _view.SharedSpace = _sharedSpace;
                _view.LabelPeople = _labelPeople;
            }
            if (_secondView != null)
            {
                // Ground truth is in Unity's world already: offset only; landmark files sit at the origin like the first.
                Vector3 origin = (_secondCoordinates == CoordinateSpace.Unity ? Vector3.zero : _origin) + _secondOffset;
                Style(_secondView, _secondCoordinates, origin, _secondColor, _secondColor, _secondColor);
                _secondView.Joints = null;
                _secondView.ShowEveryone = false;
                _secondView.LabelPeople = false;
            }
            if (_txt != null)
            {
                _txt.Fps = _txtFps;
                _txt.Loop = _txtLoop;
                _txt.ImageAspect = _txtImageAspect;
            }
            if (_second != null)
            {
                _second.Fps = _txtFps; // both files play on one clock
                _second.Loop = _txtLoop;
                _second.ImageAspect = 1f;
            }
            if (_follower != null)
            {
                _follower.enabled = _follow;
                _follower.Offset = _cameraOffset;
                _follower.Smoothing = _smoothing;
                _follower.LookAt = _lookAt;
                _follower.LookAtOffset = _lookAtOffset;
            }
            if (_status != null)
                _status.enabled = _showStatus;
            if (_hands != null)
                _hands.enabled = _showHands;
        }

        void Style(SkeletonView view, CoordinateSpace coordinates, Vector3 origin, Color left, Color right, Color center)
        {
            view.CoordinateSpace = coordinates;
            view.AxisMapping = _axisMapping;
            view.Origin = origin;
            view.Scale = _scale;
            view.Mirror = _mirror;
            view.CreateSpheres = _createSpheres;
            view.DrawBones = _drawBones;
            view.JointSize = _jointSize;
            view.BoneWidth = _boneWidth;
            view.LeftColor = left;
            view.RightColor = right;
            view.CenterColor = center;
            view.JointMaterial = _jointMaterial;
            view.LineMaterial = _lineMaterial;
            view.LowVisibility = _lowVisibility;
            view.HideBelow = _hideBelow;
            view.FullAbove = _fullAbove;
            view.KeepLastPose = _keepLastPose;
            view.LabelCamera = _camera;
        }
    }
}
