using System;
using System.Collections.Generic;
using System.Numerics;

namespace PoseBridge
{
    /// <summary>One bone of a rig in its rest pose, in the rig root's space (the Animator's GameObject).</summary>
    public struct RigBone
    {
        public HumanoidBone Bone;
        public Vector3 RestPosition;
        public Quaternion RestRotation;

        public RigBone(HumanoidBone bone, Vector3 restPosition, Quaternion restRotation)
        {
            Bone = bone;
            RestPosition = restPosition;
            RestRotation = restRotation;
        }
    }

    /// <summary>A rig whose bones' rotations can be read and set, in the rig root's space.</summary>
    public interface IRigPose
    {
        Quaternion GetRotation(HumanoidBone bone);
        void SetRotation(HumanoidBone bone, Quaternion rotation);
    }

    /// <summary>Settings of <see cref="HumanoidRetargeter.Solve"/>.</summary>
    public sealed class RetargetOptions
    {
        /// <summary>Mirror the pose (the person's right drives the rig's left), like a mirror.</summary>
        public bool Mirror;
        /// <summary>Move the hips with the stream's hips position (root motion); off: the hips stay at rest.</summary>
        public bool RootMotion;
        /// <summary>Multiplies root motion, on top of the rig's size (its hip height against a 0.89 m person's).</summary>
        public float HeightScale = 1f;
        /// <summary>
        /// The stream is grounded (protocol/SPEC.md §4d): its hips y is their height above the floor, placed by
        /// <see cref="GroundedPlacement.Hips"/> (root space, floor at y = 0) instead of added to the rest position.
        /// </summary>
        public bool Grounded;
    }

    /// <summary>
    /// Maps a normalized humanoid pose onto a rig of any proportions, bone axes and rest pose (T-pose, A-pose).
    /// </summary>
    /// <remarks>
    /// The rig's rest pose gives each bone's rest rotation R and position in the root's space. A bone that has a
    /// T-pose direction (<see cref="HumanoidSkeleton.TryGetDirection"/>) also gets a correction C, the shortest
    /// rotation from its rest direction to the T-pose one (for an A-pose rig, the arms' swing up to horizontal;
    /// for a T-pose rig, nearly nothing). A bone whose normalized world rotation is W is then set to W · C · R:
    /// identity W gives the exact T-pose, and every bone points where the stream's bone points, whatever the rig's
    /// local axes. Bones the rig lacks (optional Chest, UpperChest, Neck, Shoulders, Toes) are skipped: the others
    /// are set in world terms, so nothing shifts. A hand without a mapped middle finger takes its forearm's
    /// correction. Finger bones (protocol/SPEC.md §4c) are driven only while the pose has them, so an Animator's hand
    /// animation stays when the server sends no fingers; a finger's Distal bone takes its Intermediate's correction.
    /// Not thread-safe; call from the main thread.
    /// </remarks>
    public sealed class HumanoidRetargeter
    {
        /// <summary>Height of the hips above the soles of the stream's standard skeleton (bridge/humanoid/model.py).</summary>
        public const float StandardHipsHeight = 0.89f;

        readonly bool[] _present = new bool[HumanoidSkeleton.Count];
        readonly Vector3[] _restPosition = new Vector3[HumanoidSkeleton.Count];
        readonly Quaternion[] _restRotation = new Quaternion[HumanoidSkeleton.Count];
        readonly Quaternion[] _correction = new Quaternion[HumanoidSkeleton.Count];
        readonly Quaternion[] _target = new Quaternion[HumanoidSkeleton.Count];
        readonly HumanoidBone[] _parent = new HumanoidBone[HumanoidSkeleton.Count];
        readonly Quaternion[] _shown = new Quaternion[HumanoidSkeleton.Count];
        readonly bool[] _driven = new bool[HumanoidSkeleton.Count]; // by the last Solve (fingers: only when sent)
        bool _hasShown;
        readonly List<HumanoidBone> _order = new List<HumanoidBone>();

        /// <summary>The rig from its bones' rest pose (root space). Hips is required; other bones are optional.</summary>
        public HumanoidRetargeter(IEnumerable<RigBone> rest)
        {
            if (rest == null) throw new ArgumentNullException("rest");
            foreach (RigBone b in rest)
            {
                int i = (int)b.Bone;
                _present[i] = true;
                _restPosition[i] = b.RestPosition;
                _restRotation[i] = Quaternion.Normalize(b.RestRotation);
            }
            if (!_present[(int)HumanoidBone.Hips])
                throw new ArgumentException("a humanoid rig needs a Hips bone", "rest");
            var candidates = new List<HumanoidBone>(HumanoidSkeleton.Driven);
            candidates.AddRange(HumanoidSkeleton.Fingers);
            foreach (HumanoidBone bone in candidates)
            {
                if (!_present[(int)bone])
                    continue;
                _order.Add(bone);
                foreach (HumanoidBone a in HumanoidSkeleton.AncestorsOf(bone))
                {
                    if (_present[(int)a])
                    {
                        _parent[(int)bone] = a;
                        break;
                    }
                }
            }
            for (int i = 0; i < _correction.Length; i++)
                _correction[i] = Quaternion.Identity;
            foreach (HumanoidBone bone in _order)
            {
                Vector3 ideal;
                HumanoidBone[] towards;
                if (!HumanoidSkeleton.TryGetDirection(bone, out ideal, out towards))
                {
                    if (HumanoidSkeleton.IsFinger(bone)) // a Distal bone: no child to measure, it takes its Intermediate's
                        _correction[(int)bone] = _correction[(int)_parent[(int)bone]];
                    continue;
                }
                bool found = false;
                foreach (HumanoidBone child in towards)
                {
                    if (!_present[(int)child])
                        continue;
                    Vector3 d = _restPosition[(int)child] - _restPosition[(int)bone];
                    if (d.LengthSquared() < 1e-12f)
                        continue;
                    _correction[(int)bone] = FromTo(Vector3.Normalize(d), ideal);
                    found = true;
                    break;
                }
                if (!found && (bone == HumanoidBone.LeftHand || bone == HumanoidBone.RightHand))
                    _correction[(int)bone] = _correction[(int)(bone == HumanoidBone.LeftHand ? HumanoidBone.LeftLowerArm : HumanoidBone.RightLowerArm)];
                else if (!found && HumanoidSkeleton.IsFinger(bone)) // the next finger bone missing: the one before's
                    _correction[(int)bone] = _correction[(int)_parent[(int)bone]];
            }
            HipsPosition = RestHipsPosition;
            for (int i = 0; i < _target.Length; i++)
                _target[i] = _restRotation[i];
            foreach (HumanoidBone bone in _order)
                _driven[(int)bone] = !HumanoidSkeleton.IsFinger(bone);
        }

        /// <summary>Whether the rig has this bone.</summary>
        public bool Has(HumanoidBone bone) { return _present[(int)bone]; }

        /// <summary>The bones this rig has that a pose drives, parents before children.</summary>
        public IList<HumanoidBone> Order { get { return _order.AsReadOnly(); } }

        /// <summary>The rig's nearest ancestor of <paramref name="bone"/> in Unity's humanoid hierarchy (Hips: itself).</summary>
        public HumanoidBone ParentOf(HumanoidBone bone) { return bone == HumanoidBone.Hips ? bone : _parent[(int)bone]; }

        /// <summary>The rotation that brings the bone from its rest direction to its T-pose direction.</summary>
        public Quaternion Correction(HumanoidBone bone) { return _correction[(int)bone]; }

        public Vector3 RestHipsPosition { get { return _restPosition[(int)HumanoidBone.Hips]; } }

        public Vector3 RestPosition(HumanoidBone bone) { return _restPosition[(int)bone]; }

        public Quaternion RestRotation(HumanoidBone bone) { return _restRotation[(int)bone]; }

        /// <summary>The rig's size against the stream's standard skeleton (hip heights; 1 when the rest hips are at 0).</summary>
        public float SizeRatio
        {
            get
            {
                float h = RestHipsPosition.Y;
                return h > 0.05f ? h / StandardHipsHeight : 1f;
            }
        }

        /// <summary>Where the hips go (root space), after <see cref="Solve"/>.</summary>
        public Vector3 HipsPosition { get; private set; }

        /// <summary>The bone's rotation (root space) after <see cref="Solve"/>; the rest rotation before.</summary>
        public Quaternion Target(HumanoidBone bone) { return _target[(int)bone]; }

        /// <summary>The bone's target relative to its rig parent's target (Hips: relative to the root).</summary>
        public Quaternion Relative(HumanoidBone bone)
        {
            if (bone == HumanoidBone.Hips)
                return _target[(int)bone];
            return Quaternion.Inverse(_target[(int)_parent[(int)bone]]) * _target[(int)bone];
        }

        /// <summary>Compute every bone's target rotation and the hips position for <paramref name="pose"/>.</summary>
        public void Solve(HumanoidPose pose, RetargetOptions options)
        {
            if (pose == null) throw new ArgumentNullException("pose");
            if (options == null) options = new RetargetOptions();
            HumanoidPose p = options.Mirror ? pose.Mirrored() : pose;
            foreach (HumanoidBone bone in _order)
            {
                int i = (int)bone;
                _driven[i] = !HumanoidSkeleton.IsFinger(bone) || p.Has(bone); // fingers: only those the stream sends
                if (_driven[i])
                    _target[i] = Quaternion.Normalize(p.World(bone) * _correction[i] * _restRotation[i]);
            }
            HipsPosition = options.Grounded
                ? GroundedPlacement.Hips(p.HipsPosition, RestHipsPosition, SizeRatio, options.HeightScale)
                : RestHipsPosition + (options.RootMotion ? p.HipsPosition * (SizeRatio * options.HeightScale) : Vector3.Zero);
        }

        /// <summary>The hips position shown by the last <see cref="Apply"/> (root space; smoothed like the rotations).</summary>
        public Vector3 AppliedHipsPosition { get; private set; }

        /// <summary>
        /// Set the rig's bones of <paramref name="parts"/>, parents first. Each bone keeps its streamed rotation
        /// relative to its rig parent as the rig has it now, so a part left to the Animator (say, the legs)
        /// still carries the parts that are driven. <paramref name="blend"/> in (0, 1] moves the shown pose that
        /// part of the way from the last one shown towards the target (1: all the way; the first call always
        /// goes all the way): call it every frame with 1 − exp(−rate · Δt) for smoothing at a given rate.
        /// </summary>
        public void Apply(IRigPose rig, BodyParts parts, float blend = 1f)
        {
            if (rig == null) throw new ArgumentNullException("rig");
            bool snap = !_hasShown || !(blend < 1f);
            float k = Math.Max(0f, Math.Min(1f, blend));
            foreach (HumanoidBone bone in _order)
            {
                int i = (int)bone;
                if (!_driven[i])
                    continue; // a finger the stream does not send: left to the Animator
                _shown[i] = snap ? Relative(bone) : Quaternion.Slerp(_shown[i], Relative(bone), k);
                if ((HumanoidSkeleton.PartOf(bone) & parts) == 0)
                    continue;
                if (bone == HumanoidBone.Hips)
                    rig.SetRotation(bone, _shown[i]);
                else
                    rig.SetRotation(bone, rig.GetRotation(_parent[i]) * _shown[i]);
            }
            AppliedHipsPosition = snap ? HipsPosition : Vector3.Lerp(AppliedHipsPosition, HipsPosition, k);
            _hasShown = true;
        }

        /// <summary>Forget the pose shown: the next <see cref="Apply"/> goes straight to the target.</summary>
        public void ResetSmoothing()
        {
            _hasShown = false;
        }

        /// <summary>
        /// How far to move the hips up so that the lowest foot point is back at its rest height: the negated
        /// smallest (posed − rest) height over the points given (feet and toes). With <paramref name="onlyLift"/>
        /// the result is never negative (a body in the air stays there; it is only kept from sinking). 0 for no points.
        /// </summary>
        public static float GroundOffset(IList<float> restHeights, IList<float> posedHeights, bool onlyLift)
        {
            if (restHeights == null || posedHeights == null || restHeights.Count != posedHeights.Count || restHeights.Count == 0)
                return 0f;
            float lowest = float.PositiveInfinity;
            for (int i = 0; i < restHeights.Count; i++)
                lowest = Math.Min(lowest, posedHeights[i] - restHeights[i]);
            float lift = -lowest;
            return onlyLift ? Math.Max(0f, lift) : lift;
        }

        /// <summary>The shortest rotation taking unit vector <paramref name="from"/> to unit vector <paramref name="to"/>.</summary>
        public static Quaternion FromTo(Vector3 from, Vector3 to)
        {
            float d = Vector3.Dot(from, to);
            if (d < -0.999999f)
            {
                Vector3 axis = Vector3.Cross(from, Math.Abs(from.X) < 0.9f ? Vector3.UnitX : Vector3.UnitY);
                return Quaternion.CreateFromAxisAngle(Vector3.Normalize(axis), (float)Math.PI);
            }
            Vector3 c = Vector3.Cross(from, to);
            return Quaternion.Normalize(new Quaternion(c.X, c.Y, c.Z, 1f + d));
        }
    }

    /// <summary>
    /// Composes a rig's rest pose into the root's space from each transform's rest local position, rotation and
    /// scale (an Avatar's <c>HumanDescription.skeleton</c>, or the transforms as they are).
    /// </summary>
    public sealed class RestPoseBuilder
    {
        struct Node
        {
            public int Parent;
            public Vector3 Position;
            public Quaternion Rotation;
            public Vector3 Scale;
        }

        readonly List<Node> _nodes = new List<Node>();

        /// <summary>
        /// Add a transform below <paramref name="parent"/> (−1: directly below the root, whose own transform is left
        /// out); returns its index. Parents must be added before their children.
        /// </summary>
        public int Add(int parent, Vector3 localPosition, Quaternion localRotation, Vector3 localScale)
        {
            if (parent < -1 || parent >= _nodes.Count)
                throw new ArgumentOutOfRangeException("parent", "add parents before their children");
            _nodes.Add(new Node { Parent = parent, Position = localPosition, Rotation = localRotation, Scale = localScale });
            return _nodes.Count - 1;
        }

        /// <summary>
        /// Position and rotation of node <paramref name="index"/> in the root's space (scales multiply component by
        /// component: exact for uniform scales, as rigs use).
        /// </summary>
        public void Get(int index, out Vector3 position, out Quaternion rotation)
        {
            Vector3 scale;
            Compose(index, out position, out rotation, out scale);
        }

        void Compose(int index, out Vector3 position, out Quaternion rotation, out Vector3 scale)
        {
            Node n = _nodes[index];
            if (n.Parent < 0)
            {
                position = n.Position;
                rotation = Quaternion.Normalize(n.Rotation);
                scale = n.Scale;
                return;
            }
            Vector3 pp, ps;
            Quaternion pr;
            Compose(n.Parent, out pp, out pr, out ps);
            position = pp + Vector3.Transform(ps * n.Position, pr);
            rotation = Quaternion.Normalize(pr * n.Rotation);
            scale = ps * n.Scale;
        }
    }
}
