using System;
using System.Numerics;

namespace PoseBridge
{
    /// <summary>
    /// One frame's humanoid pose (protocol/SPEC.md §4a): the hips position and a local rotation per bone in the
    /// normalized convention (T-pose = identity, Unity axes; Hips relative to the stream's space, the others to
    /// their normalized parents). Bones the stream does not send are at rest (identity).
    /// </summary>
    public sealed class HumanoidPose
    {
        readonly Quaternion[] _local = new Quaternion[HumanoidSkeleton.Count];
        readonly bool[] _has = new bool[HumanoidSkeleton.Count];

        /// <summary>Hips position in meters (Unity axes): zero in place, else the displacement since the first frame.</summary>
        public Vector3 HipsPosition;

        public HumanoidPose()
        {
            for (int i = 0; i < _local.Length; i++)
                _local[i] = Quaternion.Identity;
        }

        /// <summary>
        /// The pose from a frame's <c>humanoid</c> values and hello's <c>humanoid_bones</c>. Bones this client does
        /// not know are skipped; quaternions are normalized (a zero or non-finite one counts as identity).
        /// </summary>
        /// <exception cref="ArgumentException">the number of values is not 3 + 4 × the number of bones</exception>
        public static HumanoidPose FromValues(float[] values, string[] bones)
        {
            if (values == null) throw new ArgumentNullException("values");
            if (bones == null) throw new ArgumentNullException("bones");
            if (values.Length != 3 + 4 * bones.Length)
                throw new ArgumentException("humanoid: " + values.Length + " values for " + bones.Length +
                                            " bones (expected 3 + 4 per bone)", "values");
            var pose = new HumanoidPose { HipsPosition = new Vector3(values[0], values[1], values[2]) };
            for (int i = 0; i < bones.Length; i++)
            {
                HumanoidBone bone;
                if (!HumanoidSkeleton.TryParse(bones[i], out bone))
                    continue;
                int o = 3 + 4 * i;
                pose.SetLocal(bone, new Quaternion(values[o], values[o + 1], values[o + 2], values[o + 3]));
            }
            return pose;
        }

        /// <summary>The pose a frame carries, or null when it carries none (or does not match hello).</summary>
        public static HumanoidPose FromFrame(FrameMessage frame, HelloMessage hello)
        {
            return FromFrame(frame, hello, 0);
        }

        /// <summary>
        /// The pose of person <paramref name="personId"/> of a several-people frame (<c>serve --max-people N --avatar</c>);
        /// 0: the primary person (the frame's own humanoid). Null when that person is not in the frame.
        /// </summary>
        public static HumanoidPose FromFrame(FrameMessage frame, HelloMessage hello, long personId)
        {
            if (frame == null || hello == null)
                return null;
            float[] values = frame.Humanoid;
            if (personId != 0)
            {
                PersonMessage person = People.Find(frame.People, personId);
                values = person != null ? person.Humanoid : null;
            }
            if (values == null || values.Length != 3 + 4 * hello.HumanoidBones.Length)
                return null;
            return FromValues(values, hello.HumanoidBones);
        }

        /// <summary>Whether the stream sent this bone.</summary>
        public bool Has(HumanoidBone bone) { return _has[(int)bone]; }

        /// <summary>The bone's rotation relative to its normalized parent (identity when not sent).</summary>
        public Quaternion Local(HumanoidBone bone) { return _local[(int)bone]; }

        public void SetLocal(HumanoidBone bone, Quaternion rotation)
        {
            float n = rotation.Length();
            _local[(int)bone] = n > 1e-6f && !float.IsNaN(n) && !float.IsInfinity(n) ? Quaternion.Multiply(rotation, 1f / n) : Quaternion.Identity;
            _has[(int)bone] = true;
        }

        /// <summary>
        /// The bone's rotation in the stream's space: the product of the local rotations from Hips down the
        /// normalized hierarchy.
        /// </summary>
        public Quaternion World(HumanoidBone bone)
        {
            HumanoidBone parent;
            if (!HumanoidSkeleton.TryGetNormalizedParent(bone, out parent))
                return _local[(int)bone];
            return World(parent) * _local[(int)bone];
        }

        /// <summary>The pose seen in a mirror (x ↦ −x): left and right swapped, rotations reflected.</summary>
        public HumanoidPose Mirrored()
        {
            var m = new HumanoidPose { HipsPosition = new Vector3(-HipsPosition.X, HipsPosition.Y, HipsPosition.Z) };
            for (int i = 0; i < _local.Length; i++)
            {
                if (!_has[i])
                    continue;
                Quaternion q = _local[i];
                m.SetLocal(HumanoidSkeleton.Mirror((HumanoidBone)i), new Quaternion(q.X, -q.Y, -q.Z, q.W));
            }
            return m;
        }
    }
}
