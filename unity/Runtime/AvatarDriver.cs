using System;
using System.Collections.Generic;
using UnityEngine;
using NQuaternion = System.Numerics.Quaternion;
using NVector3 = System.Numerics.Vector3;

namespace PoseBridge
{
    /// <summary>
    /// Makes a Humanoid character follow the pose streamed by <c>pose-bridge serve --avatar</c>: a Mixamo FBX imported
    /// as Humanoid, a VRM through UniVRM, any rig whose Animator has a Humanoid Avatar.
    /// </summary>
    /// <remarks>
    /// The maths is in the plain C# core (<see cref="HumanoidRetargeter"/>, tested with NUnit); this component reads
    /// the rig's rest pose from its Avatar (<c>Avatar.humanDescription.skeleton</c>, so characters that start in an
    /// A-pose or mid-animation work), takes the newest frame and sets the bones in <c>LateUpdate</c>, after the
    /// Animator. It shares a <see cref="PoseConnection"/> (the one assigned, else that of a <see cref="Show_Skeleton"/>
    /// in the scene, else the first Pose Connection in the scene), each sharer with a feed of its own, and connects by
    /// itself when there is none. Live sources and recordings replayed by the server work alike.
    /// </remarks>
    [DisallowMultipleComponent]
    [AddComponentMenu("Pose Bridge/Avatar Driver")]
    public sealed class AvatarDriver : MonoBehaviour
    {
        [Header("Source")]
        [Tooltip("The connection this character shares (a Pose Connection component). Empty: the Skeleton's below.")]
        [SerializeField] PoseConnection _connection;

        [Tooltip("The Show_Skeleton whose connection this character shares (when Connection is empty). Empty: the first " +
                 "one in the scene, else the first Pose Connection in the scene; with neither, this component connects " +
                 "to Url by itself.")]
        [SerializeField] Show_Skeleton _skeleton;

        [Tooltip("Server to connect to when there is no connection to share (start it with --avatar).")]
        [SerializeField] string _url = "ws://127.0.0.1:8765/";

        [Tooltip("Wire encoding of this component's own connection.")]
        [SerializeField] WireFormat _wireFormat = WireFormat.MsgPack;

        [Header("Character")]
        [Tooltip("The character's Animator, with a Humanoid Avatar. Empty: the one on this GameObject or below it.")]
        [SerializeField] Animator _animator;

        [Header("Motion")]
        [Tooltip("Which person to follow when the server tracks several (serve --max-people N): their id; 0 = the " +
                 "primary person (the one tracked longest).")]
        [Min(0)] [SerializeField] int _personId;

        [Tooltip("Following someone other than the primary person: stand where they stand relative to the primary " +
                 "person (from the root positions the server sends). Put every character at the same place in the scene.")]
        [SerializeField] bool _sharedSpace = true;

        [Tooltip("Mirror the person, like a mirror: their right hand moves the character's left.")]
        [SerializeField] bool _mirror;

        [Tooltip("Move the character with the person's approximate root motion (the server needs --root-motion). " +
                 "Off: the hips stay where the character stands.")]
        [SerializeField] bool _rootMotion;

        [Tooltip("Multiplies the root motion. 1 = as far as the person moved, scaled to the character's size.")]
        [SerializeField] float _heightScale = 1f;

        [Tooltip("How fast the character catches up with the stream (1/s); 0 = no smoothing, every frame as it comes.")]
        [Min(0f)] [SerializeField] float _smoothing = 0f;

        [Tooltip("Keep the lowest foot on the ground (crouching lowers the hips). With root motion it only keeps the " +
                 "feet from sinking.")]
        [SerializeField] bool _feetOnGround = true;

        [Header("Grounded (serve --grounded)")]
        [Tooltip("Use the server's grounded root (pose-bridge serve --avatar --grounded): the character walks over the " +
                 "floor below with planted feet that do not slide, and leaves it in a jump. Needs a grounded stream; " +
                 "otherwise Root Motion applies.")]
        [SerializeField] bool _grounded = true;

        [Tooltip("The floor the character stands on: its height (world y) is the floor's. Empty: Floor Height.")]
        [SerializeField] Transform _floor;

        [Tooltip("The floor's height (world y) when no Floor transform is set.")]
        [SerializeField] float _floorHeight;

        [Header("Body parts (off: left to the Animator)")]
        [Tooltip("Hips (rotation and position), spine and chest.")]
        [SerializeField] bool _torso = true;
        [Tooltip("Neck and head.")]
        [SerializeField] bool _head = true;
        [SerializeField] bool _leftArm = true;
        [SerializeField] bool _rightArm = true;
        [SerializeField] bool _leftLeg = true;
        [SerializeField] bool _rightLeg = true;
        [Tooltip("The finger bones, while the server sends them (pose-bridge serve --avatar --hands); without them the " +
                 "Animator keeps the fingers.")]
        [SerializeField] bool _fingers = true;

        readonly Transform[] _bones = new Transform[HumanoidSkeleton.Count];
        readonly List<float> _restFeet = new List<float>();
        readonly List<float> _posedFeet = new List<float>();
        readonly List<HumanoidBone> _feet = new List<HumanoidBone>();
        readonly List<bool> _plantedFeet = new List<bool>();
        bool[] _contacts; // the followed person's (left, right) contacts as the rig shows them (grounded streams)
        bool _groundedPose; // the pose applied is grounded (a grounded stream, and Grounded on)
        readonly RetargetOptions _options = new RetargetOptions();
        SharedPoseClient _ownClient; // when there is no connection to share
        PoseFeed _ownFeed; // this component's newest frame from its own connection
        readonly FeedHolder _shared = new FeedHolder(); // or from the shared connection
        HumanoidRetargeter _rig;
        RigAdapter _adapter;
        bool _hasPose;
        string _problem;

        Vector3 _placeOffset; // where the followed person stands relative to the primary person (Shared Space)

        /// <summary>The id of the person followed (0: the primary person); see the Inspector's Person Id.</summary>
        public int PersonId { get { return _personId; } set { _personId = Math.Max(0, value); } }

        /// <summary>Why the character does not move (null when all is well): no Humanoid Avatar, no stream with --avatar...</summary>
        public string Problem { get { return _problem; } }

        /// <summary>Whether a pose has arrived and is applied.</summary>
        public bool HasPose { get { return _hasPose; } }

        /// <summary>The rig mapping (null until a Humanoid Animator was found).</summary>
        public HumanoidRetargeter Retargeter { get { return _rig; } }

        /// <summary>The client frames come from (shared, or this component's own); null while there is none.</summary>
        public PoseClient Client
        {
            get
            {
                PoseFeed feed = _ownFeed != null ? _ownFeed : _shared.Feed;
                return feed != null ? feed.Client : null;
            }
        }

        /// <summary>Mirror the person (their right hand moves the character's left).</summary>
        public bool Mirror { get { return _mirror; } set { _mirror = value; } }

        /// <summary>Move the character with the stream's root motion (the server needs --root-motion).</summary>
        public bool RootMotion { get { return _rootMotion; } set { _rootMotion = value; } }

        /// <summary>Use the grounded root of a <c>serve --grounded</c> stream (see the Inspector's Grounded).</summary>
        public bool Grounded { get { return _grounded; } set { _grounded = value; } }

        /// <summary>The floor's world height: the Floor transform's y, else Floor Height.</summary>
        public float FloorHeight
        {
            get { return _floor != null ? _floor.position.y : _floorHeight; }
            set { _floorHeight = value; }
        }

        /// <summary>The followed person's (left, right) foot contacts, as the rig shows them; null unless grounded.</summary>
        public bool[] Contacts { get { return _contacts; } }

        /// <summary>Catch-up rate in 1/s; 0 applies every frame as it comes.</summary>
        public float Smoothing { get { return _smoothing; } set { _smoothing = Mathf.Max(0f, value); } }

        /// <summary>The Show_Skeleton whose connection is shared (set before enabling; null: found in the scene).</summary>
        public Show_Skeleton Skeleton { get { return _skeleton; } set { _skeleton = value; } }

        /// <summary>The connection shared (set before enabling; null: the <see cref="Skeleton"/>'s, or found in the scene).</summary>
        public PoseConnection Connection { get { return _connection; } set { _connection = value; } }

        /// <summary>The body parts this component drives, from the Inspector's toggles.</summary>
        public BodyParts Parts
        {
            get
            {
                BodyParts p = BodyParts.None;
                if (_torso) p |= BodyParts.Torso;
                if (_head) p |= BodyParts.Head;
                if (_leftArm) p |= BodyParts.LeftArm;
                if (_rightArm) p |= BodyParts.RightArm;
                if (_leftLeg) p |= BodyParts.LeftLeg;
                if (_rightLeg) p |= BodyParts.RightLeg;
                if (_fingers) p |= BodyParts.Fingers;
                return p;
            }
        }

        void OnEnable()
        {
            _problem = null;
            _hasPose = false;
            if (_animator == null)
                _animator = GetComponentInChildren<Animator>();
            if (_animator == null || _animator.avatar == null || !_animator.avatar.isHuman || !_animator.avatar.isValid)
            {
                _problem = "needs an Animator with a valid Humanoid Avatar (import the model with Rig > Animation Type: Humanoid)";
                Debug.LogError("AvatarDriver: " + _problem, this);
                return;
            }
            _rig = BuildRig(_animator);
            _adapter = new RigAdapter(_animator.transform, _bones);
            Sharing.FindDefault(ref _skeleton, ref _connection);
            if (_connection == null && _skeleton == null)
            {
                try
                {
                    _ownClient = new SharedPoseClient(new PoseClientOptions { Url = new Uri(_url), Format = _wireFormat });
                    _ownFeed = _ownClient.Open();
                }
                catch (Exception e)
                {
                    _problem = "cannot connect to '" + _url + "': " + e.Message;
                    Debug.LogError("AvatarDriver: " + _problem, this);
                }
            }
        }

        void OnDisable()
        {
            _shared.Dispose(); // the last feed of a shared connection closes it
            _ownFeed = null;
            if (_ownClient != null)
            {
                _ownClient.Dispose(); // closes the socket and joins the thread
                _ownClient = null;
            }
            _rig = null;
        }

        /// <summary>
        /// This component's feed: its own connection's, else one (re)opened on the shared connection when there is
        /// one: a Show_Skeleton makes its connection when it is enabled, which may come after this component.
        /// </summary>
        PoseFeed OpenFeed()
        {
            if (_ownFeed != null)
                return _ownFeed;
            return _shared.Follow(Sharing.Connection(_connection, _skeleton, null), Sharing.Open);
        }

        void LateUpdate()
        {
            if (_rig == null)
                return;
            PoseFeed feed = OpenFeed();
            PoseClient client = feed != null ? feed.Client : null;
            if (client == null && (_connection != null || _skeleton != null) && !_hasPose)
                _problem = _connection != null
                    ? "the Pose Connection is disabled or cannot connect (see its Problem)"
                    : "the Show_Skeleton has no connection to share (it plays a txt file, or is disabled)";
            FrameMessage frame;
            if (client != null && feed.TryTakeFresh(out frame))
            {
                HumanoidPose pose = HumanoidPose.FromFrame(frame, client.Hello, _personId);
                _placeOffset = Vector3.zero;
                if (_sharedSpace && _personId != 0 && frame.People != null && frame.People.Count > 0)
                {
                    Vec3 o = People.RootOffset(People.Find(frame.People, _personId), frame.People[0], AxisMapping.Standard, _mirror);
                    _placeOffset = new Vector3((float)o.X, (float)o.Y, (float)o.Z);
                }
                if (pose != null)
                {
                    _groundedPose = _grounded && client.Hello != null && client.Hello.Grounded;
                    _contacts = _groundedPose ? GroundedPlacement.Contacts(frame, _personId, _mirror) : null;
                    _options.Grounded = _groundedPose;
                    _options.Mirror = _mirror;
                    _options.RootMotion = _rootMotion;
                    _options.HeightScale = _heightScale;
                    _rig.Solve(pose, _options);
                    _hasPose = true;
                    _problem = null;
                }
                else if (client.Hello != null && client.Hello.HumanoidBones.Length == 0)
                    _problem = "the server sends no humanoid pose: start it with pose-bridge serve --avatar";
            }
            if (!_hasPose)
                return;
            // The Animator writes the bones every frame, so the pose is applied every frame, not only on new ones.
            float blend = _smoothing > 0f ? 1f - Mathf.Exp(-_smoothing * Time.deltaTime) : 1f;
            BodyParts parts = Parts;
            _rig.Apply(_adapter, parts, blend);
            if ((parts & BodyParts.Torso) != 0)
                PlaceHips();
        }

        void PlaceHips()
        {
            Transform root = _animator.transform;
            Transform hips = _bones[(int)HumanoidBone.Hips];
            NVector3 p = _rig.AppliedHipsPosition;
            if (_groundedPose)
            {
                PlaceGroundedHips(root, hips, p);
                return;
            }
            hips.position = root.TransformPoint(new Vector3(p.X, p.Y, p.Z) + _placeOffset);
            if (!_feetOnGround || _feet.Count == 0)
                return;
            _posedFeet.Clear();
            foreach (HumanoidBone foot in _feet)
                _posedFeet.Add(root.InverseTransformPoint(_bones[(int)foot].position).y);
            float lift = HumanoidRetargeter.GroundOffset(_restFeet, _posedFeet, _rootMotion);
            hips.position = root.TransformPoint(new Vector3(p.X, p.Y + lift, p.Z) + _placeOffset);
        }

        /// <summary>
        /// Grounded: the hips at the stream's height above the scene's floor (scaled to the rig), then moved so that the
        /// rig's lowest planted foot stands on the floor at its rest height; with no foot planted (a jump) they stay.
        /// </summary>
        void PlaceGroundedHips(Transform root, Transform hips, NVector3 p)
        {
            float floor = FloorHeight;
            Vector3 at = root.TransformPoint(new Vector3(p.X, p.Y, p.Z) + _placeOffset);
            at.y += floor - root.position.y; // root space has the floor at y = 0: put it at the scene's floor
            hips.position = at;
            if (_feet.Count == 0 || _contacts == null)
                return;
            _posedFeet.Clear();
            _plantedFeet.Clear();
            foreach (HumanoidBone foot in _feet)
            {
                _posedFeet.Add(_bones[(int)foot].position.y - floor);
                bool left = foot == HumanoidBone.LeftFoot || foot == HumanoidBone.LeftToes;
                _plantedFeet.Add(left ? _contacts[0] : _contacts[1]);
            }
            at.y += GroundedPlacement.FootLift(_restFeet, _posedFeet, _plantedFeet);
            hips.position = at;
        }

        /// <summary>
        /// The rig's rest pose in the root's space, from the Avatar's skeleton (its T-pose as configured on import);
        /// transforms the skeleton does not list keep their current local values.
        /// </summary>
        HumanoidRetargeter BuildRig(Animator animator)
        {
            var rest = new Dictionary<string, SkeletonBone>(StringComparer.Ordinal);
            SkeletonBone[] skeleton = animator.avatar.humanDescription.skeleton;
            if (skeleton != null)
                foreach (SkeletonBone b in skeleton)
                    if (b.name != null && !rest.ContainsKey(b.name))
                        rest[b.name] = b;
            if (rest.Count == 0)
                Debug.LogWarning("AvatarDriver: the Avatar lists no rest pose; using the character's pose at start as rest", this);
            var builder = new RestPoseBuilder();
            var index = new Dictionary<Transform, int>();
            var stack = new Stack<KeyValuePair<Transform, int>>();
            foreach (Transform child in animator.transform)
                stack.Push(new KeyValuePair<Transform, int>(child, -1));
            while (stack.Count > 0)
            {
                KeyValuePair<Transform, int> item = stack.Pop();
                Transform t = item.Key;
                SkeletonBone sb;
                int i = rest.TryGetValue(t.name, out sb)
                    ? builder.Add(item.Value, ToN(sb.position), ToN(sb.rotation), ToN(sb.scale))
                    : builder.Add(item.Value, ToN(t.localPosition), ToN(t.localRotation), ToN(t.localScale));
                index[t] = i;
                foreach (Transform child in t)
                    stack.Push(new KeyValuePair<Transform, int>(child, i));
            }
            var bones = new List<RigBone>();
            Array.Clear(_bones, 0, _bones.Length);
            var wanted = new List<HumanoidBone>(HumanoidSkeleton.Driven);
            wanted.AddRange(HumanoidSkeleton.Fingers); // the middle fingers also give the hands' rest directions
            foreach (HumanoidBone bone in wanted)
            {
                Transform t = animator.GetBoneTransform((HumanBodyBones)(int)bone);
                int i;
                if (t == null || !index.TryGetValue(t, out i))
                    continue;
                NVector3 p;
                NQuaternion q;
                builder.Get(i, out p, out q);
                bones.Add(new RigBone(bone, p, q));
                _bones[(int)bone] = t;
            }
            var rig = new HumanoidRetargeter(bones);
            _feet.Clear();
            _restFeet.Clear();
            foreach (HumanoidBone foot in new[] { HumanoidBone.LeftFoot, HumanoidBone.RightFoot, HumanoidBone.LeftToes, HumanoidBone.RightToes })
            {
                if (!rig.Has(foot))
                    continue;
                _feet.Add(foot);
                _restFeet.Add(rig.RestPosition(foot).Y);
            }
            return rig;
        }

        static NVector3 ToN(Vector3 v) { return new NVector3(v.x, v.y, v.z); }
        static NQuaternion ToN(Quaternion q) { return new NQuaternion(q.x, q.y, q.z, q.w); }

        /// <summary>The rig's Transforms seen through the core's interface, in the root's space.</summary>
        sealed class RigAdapter : IRigPose
        {
            readonly Transform _root;
            readonly Transform[] _bones;

            public RigAdapter(Transform root, Transform[] bones)
            {
                _root = root;
                _bones = bones;
            }

            public NQuaternion GetRotation(HumanoidBone bone)
            {
                return ToN(Quaternion.Inverse(_root.rotation) * _bones[(int)bone].rotation);
            }

            public void SetRotation(HumanoidBone bone, NQuaternion rotation)
            {
                _bones[(int)bone].rotation = _root.rotation * new Quaternion(rotation.X, rotation.Y, rotation.Z, rotation.W);
            }
        }
    }
}
