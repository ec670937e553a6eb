using PoseBridge;
using UnityEngine;

/// <summary>
/// Draws the hands a <c>pose-bridge serve --hands</c> stream carries (21 joints and 21 bones per hand, protocol/SPEC.md
/// §4c) on the skeleton a <see cref="Show_Skeleton"/> shows: each hand hangs from the body's wrist joint, so it moves
/// with the skeleton wherever that is drawn.
/// </summary>
/// <remarks>
/// Frames come from the Show_Skeleton's connection (shared, as the AvatarDriver shares it); the newest one is applied
/// in <c>LateUpdate</c>. A hand that is not in the newest frame is hidden at once, never left where it was. The maths
/// is in the plain C# core (<see cref="Hands"/>); set Coordinates, Axis Mapping, Scale and Mirror as on the
/// Show_Skeleton so the hands match its skeleton.
/// </remarks>
[AddComponentMenu("Pose Bridge/Hands View")]
public sealed class HandsView : MonoBehaviour
{
    [Tooltip("The Show_Skeleton whose connection and wrist joints are used. Empty: the first one in the scene.")]
    [SerializeField] Show_Skeleton _skeleton;

    [Tooltip("Whose hands: a person's id when the server tracks several (serve --max-people N); 0 = the primary person.")]
    [Min(0)] [SerializeField] int _personId;

    [Tooltip("As the Show_Skeleton's Coordinates: World (meters) or Image.")]
    [SerializeField] CoordinateSpace _coordinates = CoordinateSpace.World;

    [Tooltip("As the Show_Skeleton's Axis Mapping.")]
    [SerializeField] AxisMapping _axisMapping = AxisMapping.Standard;

    [Tooltip("As the Show_Skeleton's Scale.")]
    [SerializeField] float _scale = 1f;

    [Tooltip("As the Show_Skeleton's Mirror.")]
    [SerializeField] bool _mirror;

    [Tooltip("Diameter of a finger joint sphere.")]
    [SerializeField] float _jointSize = 0.012f;

    [Tooltip("Width of a finger bone line.")]
    [SerializeField] float _boneWidth = 0.005f;

    [SerializeField] Color _leftColor = new Color(1.00f, 0.45f, 0.15f);
    [SerializeField] Color _rightColor = new Color(0.20f, 0.55f, 1.00f);

    [Tooltip("Material of the bone lines; empty: Sprites/Default (its shader must use vertex colours).")]
    [SerializeField] Material _lineMaterial;

    readonly LatestSlot<FrameMessage> _frames = new LatestSlot<FrameMessage>();
    readonly Vec3[] _offsets = new Vec3[Protocol.HandLandmarks];
    readonly Transform[][] _joints = new Transform[2][];
    readonly LineRenderer[][] _bones = new LineRenderer[2][];
    GameObject _root;
    Material _ownLineMaterial;
    PoseClient _subscribed;
    int[][] _boneEnds;

    /// <summary>The id of the person whose hands are drawn (0: the primary person).</summary>
    public int PersonId { get { return _personId; } set { _personId = Mathf.Max(0, value); } }

    /// <summary>The Show_Skeleton used (set before enabling; null: found in the scene).</summary>
    public Show_Skeleton Skeleton { get { return _skeleton; } set { _skeleton = value; } }

    /// <summary>Whether the left (<paramref name="left"/>) or right hand is shown now.</summary>
    public bool Shown(bool left)
    {
        Transform[] joints = _joints[left ? 0 : 1];
        return joints != null && joints[0] != null && joints[0].gameObject.activeSelf;
    }

    void OnEnable()
    {
        if (_skeleton == null)
        {
#if UNITY_2023_1_OR_NEWER
            _skeleton = FindAnyObjectByType<Show_Skeleton>();
#else
            _skeleton = FindObjectOfType<Show_Skeleton>();
#endif
        }
        if (_skeleton == null)
            Debug.LogWarning("HandsView: no Show_Skeleton in the scene to take frames and wrists from", this);
        _root = new GameObject("Hands");
        if (_lineMaterial == null)
        {
            Shader shader = Shader.Find("Sprites/Default");
            if (shader != null)
                _lineMaterial = _ownLineMaterial = new Material(shader);
        }
    }

    void OnDisable()
    {
        Subscribe(null);
        if (_root != null)
            Destroy(_root);
        _root = null;
        if (_ownLineMaterial != null)
        {
            Destroy(_ownLineMaterial);
            _lineMaterial = _ownLineMaterial = null;
        }
        for (int s = 0; s < 2; s++)
        {
            _joints[s] = null;
            _bones[s] = null;
        }
        _boneEnds = null;
    }

    void Subscribe(PoseClient client)
    {
        if (ReferenceEquals(client, _subscribed))
            return;
        if (_subscribed != null)
            _subscribed.FrameReceived -= OnFrame;
        _subscribed = client;
        _frames.Clear();
        if (client != null)
            client.FrameReceived += OnFrame;
    }

    // Background thread: keep only the newest frame.
    void OnFrame(FrameMessage frame)
    {
        _frames.Publish(frame);
    }

    void LateUpdate()
    {
        Subscribe(_skeleton != null ? _skeleton.Client : null);
        FrameMessage frame;
        if (_subscribed == null || !_frames.TryTakeFresh(out frame))
            return;
        HelloMessage hello = _subscribed.Hello;
        if (hello == null || !hello.HasHands)
        {
            Hide(0);
            Hide(1);
            return;
        }
        if (_boneEnds == null)
            Build(hello);
        double aspect = hello.Source != null && hello.Source.Width > 0 && hello.Source.Height > 0
            ? (double)hello.Source.Width.Value / hello.Source.Height.Value
            : 1.0;
        for (int s = 0; s < 2; s++)
        {
            bool left = s == 0;
            HandMessage hand = Hands.Find(frame, _personId, left);
            // the person's left hand hangs from the body's left wrist joint, wherever the skeleton draws it (mirrored too)
            Transform wrist = _skeleton != null ? _skeleton.GetJoint(Hands.BodyWrist(left)) : null;
            if (wrist == null || !Hands.TryGetOffsets(hand, _coordinates, _axisMapping, aspect, _mirror, _scale, _offsets))
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
        _boneEnds = hello.HandBones;
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
            {
                var go = new GameObject(side + " hand bone " + b);
                go.transform.SetParent(_root.transform, false);
                LineRenderer line = go.AddComponent<LineRenderer>();
                line.sharedMaterial = _lineMaterial;
                line.positionCount = 2;
                line.useWorldSpace = true;
                line.startWidth = line.endWidth = _boneWidth;
                line.startColor = line.endColor = color;
                line.enabled = false;
                bones[b] = line;
            }
            _joints[s] = joints;
            _bones[s] = bones;
        }
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
