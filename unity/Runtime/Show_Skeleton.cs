using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using PoseBridge;
using UnityEngine;

/// <summary>
/// Shows a BlazePose skeleton live from <c>pose-bridge serve</c>, or from a txt recording, and makes
/// the camera it sits on follow the body. Attach it to the Main Camera and press Play.
/// </summary>
/// <remarks>
/// The class keeps the original thesis script's name so its instructions still hold. All the work is
/// done by the plain C# core (<see cref="PoseClient"/>, <see cref="ProtocolCodec"/>,
/// <see cref="TxtRecording"/>, <see cref="Coordinates"/>); this component wires Inspector fields to it
/// and moves GameObjects. The network runs on a background thread; the newest frame is applied in
/// <c>LateUpdate</c>. Disabling the component (or leaving Play mode) disposes the client and joins its
/// thread. Not supported on WebGL (no <c>ClientWebSocket</c> in browsers): use txt playback there.
/// </remarks>
[DisallowMultipleComponent]
[AddComponentMenu("Pose Bridge/Show Skeleton")]
public sealed class Show_Skeleton : MonoBehaviour
{
    public enum Source
    {
        /// <summary>Live frames from a pose-bridge server.</summary>
        Server,
        /// <summary>A txt recording played directly, no server needed.</summary>
        TxtFile,
    }

    public enum LowVisibility
    {
        /// <summary>Show every joint whatever its visibility.</summary>
        Show,
        /// <summary>Hide joints (and their bones) below the threshold.</summary>
        Hide,
        /// <summary>Shrink joints and fade bones between the two thresholds.</summary>
        Fade,
    }

    [Header("Source")]
    [Tooltip("Where the pose comes from: a pose-bridge server, or a txt recording played directly.")]
    [SerializeField] Source _source = Source.Server;

    [Tooltip("WebSocket URL of `pose-bridge serve` (ws://, or wss:// for a server with --certfile).")]
    [SerializeField] string _url = "ws://127.0.0.1:8765/";

    [Tooltip("The server's token (`pose-bridge serve --token`), needed when it listens beyond its own machine. " +
             "Empty: none.")]
    [SerializeField] string _token = "";

    [Tooltip("Wire encoding: MsgPack (compact, default) or Json (readable in network tools).")]
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
    [Tooltip("World: MediaPipe's metric 3D landmarks (hip origin). Image: normalized image landmarks (flat, image-sized).")]
    [SerializeField] CoordinateSpace _coordinates = CoordinateSpace.World;

    [Tooltip("Standard: Unity = (x, -y, z). LegacyThesis: the original script's mapping for old files, Unity = (z, -y, x).")]
    [SerializeField] AxisMapping _axisMapping = AxisMapping.Standard;

    [Tooltip("Scene position of the skeleton's origin (the hips in world coordinates, the image centre in image coordinates).")]
    [SerializeField] Vector3 _origin = new Vector3(0f, 1f, 0f);

    [Tooltip("Scale factor applied to the landmarks (world: 1 = meters).")]
    [SerializeField] float _scale = 1f;

    [Tooltip("Mirror left and right (like a mirror / selfie view).")]
    [SerializeField] bool _mirror;

    [Header("Joints and bones")]
    [Tooltip("Your own Transforms per landmark (index = MediaPipe landmark: 0 nose, 11/12 shoulders, 15/16 wrists, " +
             "23/24 hips...). Empty slots get generated spheres.")]
    [SerializeField] Transform[] _joints = new Transform[33];

    [Tooltip("Generate spheres for joints without an assigned Transform.")]
    [SerializeField] bool _createSpheres = true;

    [Tooltip("Draw bones as LineRenderers, from the topology the server sends in hello.")]
    [SerializeField] bool _drawBones = true;

    [Tooltip("Diameter of generated joint spheres (scene units).")]
    [SerializeField] float _jointSize = 0.05f;

    [Tooltip("Width of the bone lines (scene units).")]
    [SerializeField] float _boneWidth = 0.02f;

    [SerializeField] Color _leftColor = new Color(1.00f, 0.45f, 0.15f);
    [SerializeField] Color _rightColor = new Color(0.20f, 0.55f, 1.00f);
    [SerializeField] Color _centerColor = new Color(0.90f, 0.90f, 0.90f);

    [Tooltip("Optional material for the generated spheres (default: the render pipeline's default material).")]
    [SerializeField] Material _jointMaterial;

    [Tooltip("Optional material for the bone lines: a shader that uses vertex colours and alpha. Default: Sprites/Default " +
             "(built-in and URP; in the Always Included Shaders of new projects). HDRP: assign one.")]
    [SerializeField] Material _lineMaterial;

    [Header("Visibility")]
    [Tooltip("What to do with joints MediaPipe considers not visible (occluded or out of the image).")]
    [SerializeField] LowVisibility _lowVisibility = LowVisibility.Fade;

    [Tooltip("Below this visibility a joint is hidden (Hide, Fade).")]
    [Range(0f, 1f)] [SerializeField] float _hideBelow = 0.3f;

    [Tooltip("From this visibility on a joint is fully shown (Fade).")]
    [Range(0f, 1f)] [SerializeField] float _fullAbove = 0.8f;

    [Tooltip("When nobody is detected, keep showing the last pose (otherwise the skeleton is hidden).")]
    [SerializeField] bool _keepLastPose = true;

    [Header("Follow camera")]
    [Tooltip("Move this GameObject (the camera) along with the body.")]
    [SerializeField] bool _follow = true;

    [Tooltip("Camera position relative to the hips. The default looks at the person from where the video camera was.")]
    [SerializeField] Vector3 _cameraOffset = new Vector3(0f, 0.2f, -3f);

    [Tooltip("How fast the camera catches up (1/s); 0 = no smoothing.")]
    [SerializeField] float _smoothing = 4f;

    [Tooltip("Turn the camera to look at the body.")]
    [SerializeField] bool _lookAt = true;

    [Tooltip("Point looked at, relative to the hips.")]
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
    [Tooltip("Draw everyone the server tracks (pose-bridge serve --max-people N), each in a colour of their own; " +
             "the main skeleton (and the follow camera) stays on the primary person.")]
    [SerializeField] bool _showEveryone = true;
    [Tooltip("World coordinates: place people where they stand relative to each other (from the estimated root " +
             "position the server sends with each person). Off: everyone at the Origin.")]
    [SerializeField] bool _sharedSpace = true;
    [Tooltip("Show each person's id above their head.")]
    [SerializeField] bool _labelPeople = true;

    [Header("Status")]
    [Tooltip("Show connection, fps, latency and detection on screen.")]
    [SerializeField] bool _showStatus = true;

    [Tooltip("Keep receiving and drawing while the window is not focused (sets Application.runInBackground; " +
             "a standalone player otherwise pauses when you click another window).")]
    [SerializeField] bool _runInBackground = true;

    PoseClient _client;
    HelloMessage _builtFor;
    Topology _topology;
    SkeletonView _view;
    // Everyone but the primary person, by id; views of people gone wait in _spare to be re-tinted and reused.
    readonly Dictionary<long, SkeletonView> _others = new Dictionary<long, SkeletonView>();
    readonly List<SkeletonView> _spare = new List<SkeletonView>();
    readonly List<long> _gone = new List<long>();
    readonly List<Label> _labels = new List<Label>();
    readonly Dictionary<long, string> _labelText = new Dictionary<long, string>();
    SkeletonView _secondView;
    TxtRecording _txt;
    TxtRecording _second;
    float _playStart;
    bool _detected;
    int _shownFrame = -1;
    string _problem;
    string _hint;
    Vector3 _hips;
    bool _hasHips;
    string _status = "";
    float _statusAt = float.NegativeInfinity;
    static bool _warnedLineShader;
    const float StatusInterval = 0.25f; // seconds between status text updates (it allocates strings)

    double TxtFps { get { return _txtFps > 0f ? _txtFps : 30.0; } }

    /// <summary>The live client (null when playing a txt file or disabled).</summary>
    public PoseClient Client { get { return _client; } }

    /// <summary>Whether the last applied frame had a detected person.</summary>
    public bool Detected { get { return _detected; } }

    /// <summary>Scene positions of the generated/assigned joints (for scripts that drive a rig from them).</summary>
    public Transform GetJoint(int landmark) { return _view != null ? _view.Joint(landmark) : null; }

    public void Pause() { if (_client != null) _client.Send(ControlMessage.Pause()); }
    public void Resume() { if (_client != null) _client.Send(ControlMessage.Resume()); }
    public void Seek(long frame) { if (_client != null) _client.Send(ControlMessage.Seek(frame)); }

    /// <summary>Replay speed factor; null plays as fast as possible.</summary>
    public void SetSpeed(double? speed) { if (_client != null) _client.Send(ControlMessage.SetSpeed(speed)); }

    void OnEnable()
    {
        _problem = null;
        _playStart = Time.time;
        _statusAt = float.NegativeInfinity;
        if (_runInBackground)
            Application.runInBackground = true;
        if (_source == Source.Server)
        {
            try
            {
                _client = new PoseClient(new PoseClientOptions { Url = new Uri(_url), Format = _wireFormat, Token = _token });
                _client.Start();
            }
            catch (Exception e)
            {
                _problem = "cannot connect to '" + _url + "': " + e.Message;
                Debug.LogError("Show_Skeleton: " + _problem, this);
            }
        }
        else
        {
            _txt = LoadTxt(_txtFile);
            if (_txt != null)
                Build(ref _view, "Skeleton", Topology.BlazePose, null);
        }
        if (!string.IsNullOrEmpty(_secondTxtFile))
        {
            _second = LoadTxt(_secondTxtFile);
            if (_second != null)
            {
                Topology t = _second.Kind == TxtKind.Seed
                    ? Topology.BlazePose
                    : new Topology(_second.JointNames.ToArray(), MixamoRig.BonesFor(_second.JointNames), null);
                Build(ref _secondView, "Second skeleton", t, _secondColor);
            }
        }
    }

    void OnDisable()
    {
        if (_client != null)
        {
            _client.Dispose(); // closes the socket and joins the thread
            _client = null;
        }
        if (_view != null) _view.Destroy();
        if (_secondView != null) _secondView.Destroy();
        _view = _secondView = null;
        foreach (SkeletonView v in _others.Values) v.Destroy();
        foreach (SkeletonView v in _spare) v.Destroy();
        _others.Clear();
        _spare.Clear();
        _labels.Clear();
        _builtFor = null;
        _txt = _second = null;
    }

    TxtRecording LoadTxt(string path)
    {
        string resolved = ResolvePath(path);
        try
        {
            TxtRecording rec = TxtRecording.Load(resolved);
            foreach (string warning in rec.Warnings)
                Debug.LogWarning("Show_Skeleton: " + warning, this);
            return rec;
        }
        catch (TxtFormatException e)
        {
            _problem = e.Message;
        }
        catch (IOException e)
        {
            _problem = "cannot read '" + resolved + "': " + e.Message;
        }
        catch (UnauthorizedAccessException e)
        {
            _problem = "cannot read '" + resolved + "': " + e.Message;
        }
        catch (ArgumentException)
        {
            _problem = "no txt file set (Inspector: Txt File)";
        }
        Debug.LogError("Show_Skeleton: " + _problem, this);
        return null;
    }

    static string ResolvePath(string path)
    {
        if (string.IsNullOrEmpty(path) || Path.IsPathRooted(path))
            return path;
        if (File.Exists(path))
            return Path.GetFullPath(path);
        return Path.Combine(Application.streamingAssetsPath, path);
    }

    void Build(ref SkeletonView view, string name, Topology topology, Color? tint)
    {
        if (view != null)
            view.Destroy();
        view = new SkeletonView(name, topology, tint == null ? _joints : null, _createSpheres, _drawBones,
            _jointSize, _boneWidth, _jointMaterial, _lineMaterial, this,
            tint ?? _leftColor, tint ?? _rightColor, tint ?? _centerColor);
    }

    void LateUpdate()
    {
        if (_client != null)
            UpdateFromServer();
        else if (_txt != null)
            UpdateFromTxt();
        if (_second != null && _secondView != null)
        {
            TxtFrame frame = _second.FrameAt(Time.time - _playStart, TxtFps, _txtLoop);
            ApplyPoints(_secondView, _second, frame);
        }
        if (_follow && _hasHips)
            FollowBody(Time.deltaTime);
        if (_showStatus && Time.unscaledTime - _statusAt >= StatusInterval)
        {
            _status = StatusText();
            _statusAt = Time.unscaledTime;
        }
    }

    void UpdateFromServer()
    {
        HelloMessage hello = _client.Hello;
        if (hello != null && !ReferenceEquals(hello, _builtFor))
        {
            _builtFor = hello;
            _topology = Topology.FromHello(hello);
            Build(ref _view, "Skeleton", _topology, null);
            foreach (SkeletonView v in _others.Values) v.Destroy();
            foreach (SkeletonView v in _spare) v.Destroy();
            _others.Clear();
            _spare.Clear();
        }
        bool fresh;
        FrameMessage frame = _client.Frames.Take(out fresh);
        if (!fresh || frame == null || _view == null)
            return;
        float[] block = _coordinates == CoordinateSpace.Image ? frame.Image : frame.World;
        _detected = frame.Detected;
        _hint = frame.Detected && block == null
            ? "the server sends no " + (_coordinates == CoordinateSpace.Image ? "image" : "world") +
              " landmarks: change Coordinates"
            : null;
        _shownFrame = (int)Math.Min(frame.Seq, int.MaxValue);
        double aspect = 1.0;
        if (hello != null && hello.Source.Width.HasValue && hello.Source.Height.HasValue && hello.Source.Height.Value > 0)
            aspect = (double)hello.Source.Width.Value / hello.Source.Height.Value;
        ApplyBlock(block, aspect);
        UpdatePeople(frame, aspect);
    }

    struct Label
    {
        public Vector3 Position;
        public string Text;
    }

    /// <summary>Everyone but the primary person (whom the main skeleton shows), pooled, one colour per id.</summary>
    void UpdatePeople(FrameMessage frame, double aspect)
    {
        _labels.Clear();
        List<PersonMessage> people = _showEveryone ? frame.People : null;
        PersonMessage primary = people != null && people.Count > 0 ? people[0] : null;
        _gone.Clear();
        foreach (long id in _others.Keys)
            if (primary == null || People.Find(people, id) == null || id == primary.Id)
                _gone.Add(id);
        foreach (long id in _gone)
        {
            SkeletonView v = _others[id];
            v.SetVisible(false);
            _spare.Add(v);
            _others.Remove(id);
        }
        if (primary == null || _topology == null)
            return;
        bool world = _coordinates == CoordinateSpace.World;
        AddLabel(primary.Id, _view, 0);
        for (int k = 1; k < people.Count; k++)
        {
            PersonMessage person = people[k];
            float[] block = world ? person.World : person.Image;
            if (block == null)
                continue;
            SkeletonView view;
            if (!_others.TryGetValue(person.Id, out view))
            {
                float r, g, b;
                People.ColorForId(person.Id, out r, out g, out b);
                var tint = new Color(r, g, b);
                if (_spare.Count > 0)
                {
                    view = _spare[_spare.Count - 1];
                    _spare.RemoveAt(_spare.Count - 1);
                    view.Tint(tint);
                }
                else
                {
                    view = new SkeletonView("Person", _topology, null, _createSpheres, _drawBones, _jointSize, _boneWidth,
                        _jointMaterial, _lineMaterial, this, tint, tint, tint);
                }
                _others[person.Id] = view;
            }
            Vector3 offset = world && _sharedSpace
                ? ToVector(People.RootOffset(person, primary, _axisMapping, _mirror, _scale))
                : Vector3.zero;
            ApplyTo(view, block, aspect, offset);
            AddLabel(person.Id, view, 0);
        }
    }

    void AddLabel(long id, SkeletonView view, int joint)
    {
        Transform head = view != null ? view.Joint(joint) : null;
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

    void UpdateFromTxt()
    {
        TxtFrame frame = _txt.FrameAt(Time.time - _playStart, TxtFps, _txtLoop);
        if (frame == null || frame.Frame == _shownFrame)
            return;
        _shownFrame = frame.Frame;
        _detected = frame.Detected;
        ApplyBlock(_txt.ToBlock(frame), _txtImageAspect > 0f ? _txtImageAspect : 1.0);
    }

    void ApplyBlock(float[] block, double aspect)
    {
        if (_view == null)
            return;
        if (block == null)
        {
            if (!_keepLastPose)
                _view.SetVisible(false);
            return;
        }
        int n = ApplyTo(_view, block, aspect, Vector3.zero);
        if (n > 24)
        {
            Vec3 hips = Coordinates.HipCenter(block, _coordinates, _axisMapping, aspect, _mirror, _scale);
            _hips = _origin + ToVector(hips);
            _hasHips = true;
        }
    }

    /// <summary>Pose <paramref name="view"/> from a landmark block, shifted by <paramref name="offset"/>; returns the joints set.</summary>
    int ApplyTo(SkeletonView view, float[] block, double aspect, Vector3 offset)
    {
        view.SetVisible(true);
        int n = Math.Min(view.Count, block.Length / Protocol.Fields);
        for (int i = 0; i < n; i++)
        {
            Vec3 p = Coordinates.Landmark(block, i, _coordinates, _axisMapping, aspect, _mirror, _scale);
            float visibility = block[i * Protocol.Fields + 3];
            float alpha;
            if (_lowVisibility == LowVisibility.Show)
                alpha = 1f;
            else if (_lowVisibility == LowVisibility.Hide)
                alpha = visibility >= _hideBelow ? 1f : 0f;
            else
                alpha = (float)Coordinates.VisibilityAlpha(visibility, _hideBelow, _fullAbove);
            view.SetJoint(i, _origin + offset + ToVector(p), alpha);
        }
        view.UpdateBones();
        return n;
    }

    void ApplyPoints(SkeletonView view, TxtRecording rec, TxtFrame frame)
    {
        if (frame == null)
            return;
        if (!frame.Detected)
        {
            if (!_keepLastPose)
                view.SetVisible(false);
            return;
        }
        view.SetVisible(true);
        CoordinateSpace space = _secondCoordinates;
        for (int i = 0; i < frame.Points.Length && i < view.Count; i++)
        {
            if (!frame.Points[i].HasValue)
            {
                view.SetJoint(i, Vector3.zero, 0f);
                continue;
            }
            Vec3 p = frame.Points[i].Value;
            Vec3 u = Coordinates.ToUnity(space, _axisMapping, p.X, p.Y, p.Z, 1.0, _mirror, _scale);
            // Ground truth is in Unity's world already: offset only; landmark files sit at the origin like the first.
            Vector3 basePos = space == CoordinateSpace.Unity ? Vector3.zero : _origin;
            view.SetJoint(i, basePos + _secondOffset + ToVector(u), 1f);
        }
        view.UpdateBones();
    }

    void FollowBody(float dt)
    {
        Vector3 target = _hips + _cameraOffset;
        float k = _smoothing <= 0f ? 1f : 1f - Mathf.Exp(-_smoothing * dt);
        transform.position = Vector3.Lerp(transform.position, target, k);
        if (_lookAt)
            transform.LookAt(_hips + _lookAtOffset);
    }

    static Vector3 ToVector(Vec3 v)
    {
        return new Vector3((float)v.X, (float)v.Y, (float)v.Z);
    }

    void OnGUI()
    {
        // OnGUI runs several times per frame (layout, repaint...): draw the text LateUpdate prepared, on repaint only.
        if (Event.current.type != EventType.Repaint)
            return;
        if (_labels.Count > 0)
        {
            Camera cam = GetComponent<Camera>();
            if (cam == null)
                cam = Camera.main;
            if (cam != null)
            {
                foreach (Label label in _labels)
                {
                    Vector3 p = cam.WorldToScreenPoint(label.Position);
                    if (p.z > 0f)
                        GUI.Label(new Rect(p.x - 20f, Screen.height - p.y - 10f, 60f, 20f), label.Text);
                }
            }
        }
        if (!_showStatus)
            return;
        GUI.Box(new Rect(8, 8, 380, 74), GUIContent.none);
        GUI.Label(new Rect(16, 12, 370, 70), _status);
    }

    /// <summary>The on-screen status text (also useful in logs).</summary>
    public string StatusText()
    {
        var ci = CultureInfo.InvariantCulture;
        if (_problem != null)
            return "pose-bridge: " + _problem;
        if (_client != null)
        {
            string line1 = string.Format(ci, "pose-bridge {0}  {1}", _client.Status, _url);
            if (_client.Status != ClientStatus.Connected && _client.LastError != null)
                line1 += "\n" + _client.LastError;
            string latency = double.IsNaN(_client.LatencyMs) ? "-" : _client.LatencyMs.ToString("0", ci) + " ms";
            string rtt = double.IsNaN(_client.RoundTripMs) ? "-" : _client.RoundTripMs.ToString("0.0", ci) + " ms";
            string source = _client.Hello != null ? _client.Hello.Source.Kind + " " + _client.Hello.Source.Name : "";
            if (_client.End != null)
                source += string.Format(ci, " (ended: {0}, {1} frames)", _client.End.Reason, _client.End.Frames);
            return line1 + string.Format(ci, "\n{0:0.0} fps  latency {1}  ping {2}  {3}\nframe {4}  detected: {5}{6}",
                _client.Fps, latency, rtt, source, _shownFrame, _detected ? "yes" : "no", _hint == null ? "" : "  (" + _hint + ")");
        }
        if (_txt != null)
            return string.Format(ci, "pose-bridge txt: {0}\nframe {1} of {2}  detected: {3}",
                Path.GetFileName(_txt.FileName), _shownFrame, _txt.Frames.Count, _detected ? "yes" : "no");
        return "pose-bridge: idle";
    }

    /// <summary>The GameObjects of one skeleton: joints (generated spheres or assigned Transforms) and bone lines.</summary>
    sealed class SkeletonView
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

        public SkeletonView(string name, Topology topology, Transform[] assigned, bool createSpheres, bool drawBones,
            float jointSize, float boneWidth, Material jointMaterial, Material lineMaterial, UnityEngine.Object owner,
            Color left, Color right, Color center)
        {
            _root = new GameObject(name);
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
                // The colours and the fading are vertex colours and alpha: only shaders that use both will do.
                // Sprites/Default (built-in and URP; always included in builds of new projects), else URP's
                // particle shader. Never "Standard": magenta in URP/HDRP and blind to vertex colours.
                Shader shader = Shader.Find("Sprites/Default");
                if (shader == null)
                    shader = Shader.Find("Universal Render Pipeline/Particles/Unlit");
                if (shader != null)
                {
                    lineMaterial = new Material(shader);
                    _materials.Add(lineMaterial);
                }
                else if (!_warnedLineShader)
                {
                    _warnedLineShader = true;
                    Debug.LogWarning("Show_Skeleton: no shader for the bone lines (Sprites/Default is not in this build): " +
                                     "assign a Line Material whose shader uses vertex colours", owner);
                }
            }
            for (int b = 0; b < bones; b++)
            {
                var go = new GameObject("bone " + topology.Landmarks[_boneEnds[b][0]] + "-" + topology.Landmarks[_boneEnds[b][1]]);
                go.transform.SetParent(_root.transform, false);
                LineRenderer line = go.AddComponent<LineRenderer>();
                line.sharedMaterial = lineMaterial;
                line.positionCount = 2;
                line.useWorldSpace = true;
                line.startWidth = line.endWidth = boneWidth;
                _boneColors[b] = Pick(topology.BoneSide(b), left, right, center);
                line.startColor = line.endColor = _boneColors[b];
                line.enabled = false;
                _bones[b] = line;
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
