using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using System.Text;
using NUnit.Framework;

namespace PoseBridge.Tests
{
    /// <summary>
    /// The AvatarDriver's maths (plain C# core): a synthetic Mixamo-like rig — every bone with its own local axes
    /// (y along the bone, an arbitrary roll), resting in an A-pose, with an unmapped bone in the spine — driven
    /// with known normalized rotations reproduces every bone's direction within 1°.
    /// </summary>
    [TestFixture]
    public sealed class HumanoidTests
    {
        // The stream's bones, in hello.humanoid_bones order (bridge/skeleton.py HUMANOID_BONES).
        static readonly string[] StreamBones =
        {
            "Hips", "Spine", "Chest", "Neck", "Head",
            "LeftShoulder", "LeftUpperArm", "LeftLowerArm", "LeftHand",
            "RightShoulder", "RightUpperArm", "RightLowerArm", "RightHand",
            "LeftUpperLeg", "LeftLowerLeg", "LeftFoot", "LeftToes",
            "RightUpperLeg", "RightLowerLeg", "RightFoot", "RightToes",
        };

        const double MaxDegrees = 1.0;

        // ------------------------------------------------------------------ a tiny transform hierarchy

        /// <summary>Nodes with local position and rotation (root = identity), like Unity Transforms.</summary>
        sealed class TestRig : IRigPose
        {
            public readonly List<string> Names = new List<string>();
            public readonly List<int> Parents = new List<int>();
            public readonly List<Vector3> LocalPositions = new List<Vector3>();
            public readonly List<Quaternion> LocalRotations = new List<Quaternion>();
            public readonly Dictionary<HumanoidBone, int> Map = new Dictionary<HumanoidBone, int>();

            /// <summary>Add a node at a rest position and rotation given in root space; parents first.</summary>
            public int Add(string name, string parent, Vector3 worldPosition, Quaternion worldRotation)
            {
                int p = parent == null ? -1 : Names.IndexOf(parent);
                Vector3 pp = p < 0 ? Vector3.Zero : Position(p);
                Quaternion pr = p < 0 ? Quaternion.Identity : Rotation(p);
                Quaternion inv = Quaternion.Inverse(pr);
                Names.Add(name);
                Parents.Add(p);
                LocalPositions.Add(Vector3.Transform(worldPosition - pp, inv));
                LocalRotations.Add(Quaternion.Normalize(inv * worldRotation));
                return Names.Count - 1;
            }

            public int Index(string name) { return Names.IndexOf(name); }

            public Quaternion Rotation(int i)
            {
                Quaternion local = LocalRotations[i];
                return Parents[i] < 0 ? local : Rotation(Parents[i]) * local;
            }

            public Vector3 Position(int i)
            {
                if (Parents[i] < 0)
                    return LocalPositions[i];
                return Position(Parents[i]) + Vector3.Transform(LocalPositions[i], Rotation(Parents[i]));
            }

            public Quaternion GetRotation(HumanoidBone bone) { return Rotation(Map[bone]); }

            public void SetRotation(HumanoidBone bone, Quaternion rotation)
            {
                int i = Map[bone];
                Quaternion parent = Parents[i] < 0 ? Quaternion.Identity : Rotation(Parents[i]);
                LocalRotations[i] = Quaternion.Normalize(Quaternion.Inverse(parent) * rotation);
            }

            public List<RigBone> Rest()
            {
                var bones = new List<RigBone>();
                foreach (KeyValuePair<HumanoidBone, int> kv in Map)
                    bones.Add(new RigBone(kv.Key, Position(kv.Value), Rotation(kv.Value)));
                return bones;
            }
        }

        static Quaternion Axis(Vector3 axis, double degrees)
        {
            return Quaternion.CreateFromAxisAngle(Vector3.Normalize(axis), (float)(degrees * Math.PI / 180));
        }

        /// <summary>A Mixamo-like bone frame: local y along the bone, rolled about it.</summary>
        static Quaternion BoneFrame(Vector3 along, double rollDegrees)
        {
            return HumanoidRetargeter.FromTo(Vector3.UnitY, Vector3.Normalize(along)) * Axis(Vector3.UnitY, rollDegrees);
        }

        static double Degrees(Vector3 a, Vector3 b)
        {
            double c = Vector3.Dot(Vector3.Normalize(a), Vector3.Normalize(b));
            return Math.Acos(Math.Max(-1.0, Math.Min(1.0, c))) * 180 / Math.PI;
        }

        /// <summary>
        /// A rig in an A-pose (arms 40° below horizontal, legs a little apart) with Mixamo-like axes. ``minimal``
        /// leaves out every optional bone (Chest, UpperChest, Neck, Shoulders, Toes, fingers).
        /// </summary>
        static TestRig MixamoLike(bool minimal, int seed)
        {
            var rnd = new Random(seed);
            Func<double> roll = () => rnd.NextDouble() * 360 - 180;
            var rig = new TestRig();
            Action<HumanoidBone, string, string, Vector3, Vector3> bone = (hb, name, parent, pos, along) =>
            {
                int i = rig.Add(name, parent, pos, BoneFrame(along, roll()));
                if (hb != (HumanoidBone)(-1))
                    rig.Map[hb] = i;
            };
            var none = (HumanoidBone)(-1);
            bone(HumanoidBone.Hips, "mixamorig:Hips", null, new Vector3(0, 1.0f, 0), new Vector3(0.1f, 1, 0.2f));
            bone(HumanoidBone.Spine, "mixamorig:Spine", "mixamorig:Hips", new Vector3(0, 1.1f, 0.01f), new Vector3(0, 1, 0.1f));
            string top = "mixamorig:Spine";
            if (!minimal)
            {
                bone(HumanoidBone.Chest, "mixamorig:Spine1", top, new Vector3(0, 1.22f, 0.02f), new Vector3(0, 1, 0));
                bone(HumanoidBone.UpperChest, "mixamorig:Spine2", "mixamorig:Spine1", new Vector3(0, 1.35f, 0.02f), new Vector3(0, 1, -0.1f));
                top = "mixamorig:Spine2";
            }
            // an unmapped bone between the chest and the neck, with its own axes
            bone(none, "extra:Spine3", top, new Vector3(0, 1.42f, 0.015f), new Vector3(0.05f, 1, 0));
            string headParent = "extra:Spine3";
            if (!minimal)
            {
                bone(HumanoidBone.Neck, "mixamorig:Neck", "extra:Spine3", new Vector3(0, 1.5f, 0.0f), new Vector3(0, 1, 0.15f));
                headParent = "mixamorig:Neck";
            }
            bone(HumanoidBone.Head, "mixamorig:Head", headParent, new Vector3(0, 1.6f, 0.02f), new Vector3(0, 1, 0));
            bone(none, "mixamorig:HeadTop_End", "mixamorig:Head", new Vector3(0, 1.8f, 0.03f), new Vector3(0, 1, 0));
            foreach (int s in new[] { -1, 1 })
            {
                string side = s < 0 ? "Left" : "Right";
                var arm = new Vector3(s * (float)Math.Cos(40 * Math.PI / 180), -(float)Math.Sin(40 * Math.PI / 180), 0);
                var shoulder = new Vector3(s * 0.18f, 1.45f, 0);
                string parent = "extra:Spine3";
                if (!minimal)
                {
                    bone(s < 0 ? HumanoidBone.LeftShoulder : HumanoidBone.RightShoulder, "mixamorig:" + side + "Shoulder",
                        "extra:Spine3", new Vector3(s * 0.05f, 1.43f, 0), new Vector3(s, 0.15f, 0));
                    parent = "mixamorig:" + side + "Shoulder";
                }
                bone(s < 0 ? HumanoidBone.LeftUpperArm : HumanoidBone.RightUpperArm, "mixamorig:" + side + "Arm", parent, shoulder, arm);
                bone(s < 0 ? HumanoidBone.LeftLowerArm : HumanoidBone.RightLowerArm, "mixamorig:" + side + "ForeArm",
                    "mixamorig:" + side + "Arm", shoulder + 0.28f * arm, arm);
                Vector3 wrist = shoulder + 0.53f * arm;
                bone(s < 0 ? HumanoidBone.LeftHand : HumanoidBone.RightHand, "mixamorig:" + side + "Hand",
                    "mixamorig:" + side + "ForeArm", wrist, arm);
                if (!minimal)
                    bone(s < 0 ? HumanoidBone.LeftMiddleProximal : HumanoidBone.RightMiddleProximal, "mixamorig:" + side + "HandMiddle1",
                        "mixamorig:" + side + "Hand", wrist + 0.09f * arm, arm);
                else
                    bone(none, "mixamorig:" + side + "HandTip", "mixamorig:" + side + "Hand", wrist + 0.09f * arm, arm);
                // the palm faces down in the T-pose; the A-pose swung it down with the arm
                Vector3 palm = Vector3.Transform(new Vector3(0, -1, 0), Axis(Vector3.UnitZ, -s * 40));
                bone(none, "marker:" + side + "Palm", "mixamorig:" + side + "Hand", wrist + 0.04f * palm, palm);
                var hip = new Vector3(s * 0.09f, 0.95f, 0);
                var knee = new Vector3(s * 0.11f, 0.52f, 0.005f);
                var ankle = new Vector3(s * 0.12f, 0.09f, -0.02f);
                bone(s < 0 ? HumanoidBone.LeftUpperLeg : HumanoidBone.RightUpperLeg, "mixamorig:" + side + "UpLeg", "mixamorig:Hips", hip, knee - hip);
                bone(s < 0 ? HumanoidBone.LeftLowerLeg : HumanoidBone.RightLowerLeg, "mixamorig:" + side + "Leg", "mixamorig:" + side + "UpLeg", knee, ankle - knee);
                var toe = new Vector3(s * 0.12f, 0.02f, 0.12f);
                bone(s < 0 ? HumanoidBone.LeftFoot : HumanoidBone.RightFoot, "mixamorig:" + side + "Foot", "mixamorig:" + side + "Leg", ankle, toe - ankle);
                string tip = "mixamorig:" + side + "Foot";
                if (!minimal)
                {
                    bone(s < 0 ? HumanoidBone.LeftToes : HumanoidBone.RightToes, "mixamorig:" + side + "ToeBase", tip, toe, new Vector3(0, 0, 1));
                    tip = "mixamorig:" + side + "ToeBase";
                }
                bone(none, "mixamorig:" + side + "Toe_End", tip, new Vector3(s * 0.12f, 0.02f, 0.2f), new Vector3(0, 0, 1));
            }
            return rig;
        }

        /// <summary>Random normalized local rotations (hips: any; others up to 70°), as a frame's humanoid values.</summary>
        static float[] RandomValues(Random rnd)
        {
            var values = new List<float> { 0.1f, -0.05f, 0.2f };
            foreach (string name in StreamBones)
            {
                var axis = new Vector3((float)(rnd.NextDouble() - 0.5), (float)(rnd.NextDouble() - 0.5), (float)(rnd.NextDouble() - 0.5));
                double deg = name == "Hips" ? rnd.NextDouble() * 360 - 180 : rnd.NextDouble() * 70;
                if (name.EndsWith("Shoulder", StringComparison.Ordinal) || name.EndsWith("Toes", StringComparison.Ordinal))
                    deg = 0; // the solver keeps these at rest
                Quaternion q = Axis(axis, deg);
                values.AddRange(new[] { q.X, q.Y, q.Z, q.W });
            }
            return values.ToArray();
        }

        /// <summary>
        /// Every driven rig bone must point where its normalized bone points: W · (T-pose direction), or, for bones
        /// without one (Head, Feet, Toes), W · (the rig's own rest direction).
        /// </summary>
        static void CheckDirections(TestRig rig, List<Vector3> rest, HumanoidRetargeter r, HumanoidPose pose, string label, List<double> errors)
        {
            foreach (HumanoidBone bone in r.Order)
            {
                int child = ChildNode(rig, bone);
                if (child < 0)
                    continue;
                int i = rig.Map[bone];
                Vector3 expected;
                HumanoidBone[] towards;
                if (!HumanoidSkeleton.TryGetDirection(bone, out expected, out towards))
                    expected = rest[child] - rest[i];
                expected = Vector3.Transform(expected, pose.World(bone));
                Vector3 actual = rig.Position(child) - rig.Position(i);
                double err = Degrees(expected, actual);
                errors.Add(err);
                Assert.Less(err, MaxDegrees, label + ": " + bone + " points " + err.ToString("0.000") + "° away");
            }
        }

        /// <summary>The node a bone's direction is measured to: the bone it points to in the rig, or a tip node.</summary>
        static int ChildNode(TestRig rig, HumanoidBone bone)
        {
            Vector3 ignored;
            HumanoidBone[] towards;
            if (HumanoidSkeleton.TryGetDirection(bone, out ignored, out towards))
                foreach (HumanoidBone t in towards)
                    if (rig.Map.ContainsKey(t))
                        return rig.Map[t];
            string side = bone.ToString().StartsWith("Left", StringComparison.Ordinal) ? "Left" : "Right";
            switch (bone)
            {
                case HumanoidBone.Head:
                    return rig.Index("mixamorig:HeadTop_End");
                case HumanoidBone.LeftHand:
                case HumanoidBone.RightHand:
                    return rig.Index("mixamorig:" + side + "HandTip");
                case HumanoidBone.LeftFoot:
                case HumanoidBone.RightFoot:
                    int toe = rig.Index("mixamorig:" + side + "ToeBase");
                    return toe >= 0 ? toe : rig.Index("mixamorig:" + side + "Toe_End");
                case HumanoidBone.LeftToes:
                case HumanoidBone.RightToes:
                    return rig.Index("mixamorig:" + side + "Toe_End");
                default:
                    return -1;
            }
        }

        // ------------------------------------------------------------------ tests

        [Test]
        public void BoneNumbersAreUnitysHumanBodyBones()
        {
            foreach (HumanoidBone bone in Enum.GetValues(typeof(HumanoidBone)))
            {
                var unity = (UnityEngine.HumanBodyBones)Enum.Parse(typeof(UnityEngine.HumanBodyBones), bone.ToString());
                Assert.AreEqual((int)unity, (int)bone, bone.ToString());
            }
            Assert.AreEqual((int)UnityEngine.HumanBodyBones.LastBone, HumanoidSkeleton.Count);
        }

        [Test]
        public void TheServersBoneNamesAreKnown()
        {
            // hello/humanoid in the shared vectors carries bridge/skeleton.py's HUMANOID_BONES
            string path = TestEnv.RepoFile("protocol/vectors/v1.json");
            var doc = (Dictionary<string, object>)JsonReader.Read(File.ReadAllText(path, Encoding.UTF8));
            Dictionary<string, object> vector = null;
            foreach (object v in (List<object>)doc["vectors"])
                if ((string)((Dictionary<string, object>)v)["name"] == "hello/humanoid")
                    vector = (Dictionary<string, object>)v;
            Assert.IsNotNull(vector);
            var hello = (HelloMessage)ProtocolCodec.Decode(MessageTree.FromHex((string)vector["msgpack"]));
            CollectionAssert.AreEqual(StreamBones, hello.HumanoidBones);
            foreach (string name in hello.HumanoidBones)
            {
                HumanoidBone bone;
                Assert.IsTrue(HumanoidSkeleton.TryParse(name, out bone), name);
                CollectionAssert.Contains(HumanoidSkeleton.Driven, bone);
            }
            HumanoidBone ignored;
            Assert.IsFalse(HumanoidSkeleton.TryParse("LeftEye", out ignored));
            Assert.IsFalse(HumanoidSkeleton.TryParse("13", out ignored));
            Assert.IsFalse(HumanoidSkeleton.TryParse("", out ignored));
        }

        [Test]
        public void AFrameVectorGivesItsPose()
        {
            string path = TestEnv.RepoFile("protocol/vectors/v1.json");
            var doc = (Dictionary<string, object>)JsonReader.Read(File.ReadAllText(path, Encoding.UTF8));
            Dictionary<string, object> vector = null;
            foreach (object v in (List<object>)doc["vectors"])
                if ((string)((Dictionary<string, object>)v)["name"] == "frame/humanoid")
                    vector = (Dictionary<string, object>)v;
            Assert.IsNotNull(vector);
            var frame = (FrameMessage)ProtocolCodec.Decode(MessageTree.FromHex((string)vector["msgpack"]));
            var hello = new HelloMessage { HumanoidBones = StreamBones };
            HumanoidPose pose = HumanoidPose.FromFrame(frame, hello);
            Assert.IsNotNull(pose);
            var rows = (List<object>)((Dictionary<string, object>)vector["value"])["humanoid"];
            Assert.AreEqual((double)((List<object>)rows[0])[2], (double)pose.HipsPosition.Z);
            var chest = (List<object>)rows[3];
            Quaternion q = pose.Local(HumanoidBone.Chest);
            Assert.AreEqual(new[] { (double)chest[0], (double)chest[1], (double)chest[2], (double)chest[3] },
                new double[] { q.X, q.Y, q.Z, q.W });
            Assert.IsNull(HumanoidPose.FromFrame(frame, new HelloMessage()), "a pose that does not match hello is not used");
            Assert.Throws<ArgumentException>(() => HumanoidPose.FromValues(new float[7], StreamBones));
        }

        [TestCase(false, 1)]
        [TestCase(false, 2)]
        [TestCase(true, 3)]
        public void AnAPoseRigWithItsOwnAxesFollowsEveryBoneWithinOneDegree(bool minimal, int seed)
        {
            TestRig rig = MixamoLike(minimal, seed);
            var rest = new List<Vector3>();
            for (int i = 0; i < rig.Names.Count; i++)
                rest.Add(rig.Position(i));
            var r = new HumanoidRetargeter(rig.Rest());
            Assert.AreEqual(minimal ? 15 : 24, r.Order.Count); // non-minimal: 22 body bones and the two middle fingers (driven only when sent)
            // identity pose: the exact T-pose, arms horizontal, whatever the A-pose and the bone axes
            r.Solve(new HumanoidPose(), new RetargetOptions());
            r.Apply(rig, BodyParts.All);
            Vector3 upper = rig.Position(rig.Map[HumanoidBone.LeftLowerArm]) - rig.Position(rig.Map[HumanoidBone.LeftUpperArm]);
            Assert.Less(Degrees(upper, new Vector3(-1, 0, 0)), 0.01);
            Vector3 palm = rig.Position(rig.Index("marker:LeftPalm")) - rig.Position(rig.Map[HumanoidBone.LeftHand]);
            Assert.Less(Degrees(palm, new Vector3(0, -1, 0)), 0.01, "T-pose palms face down");

            var rnd = new Random(seed);
            var errors = new List<double>();
            for (int k = 0; k < 50; k++)
            {
                // the Animator left the rig mid-animation: the result must not depend on it
                foreach (HumanoidBone bone in r.Order)
                    rig.LocalRotations[rig.Map[bone]] = Axis(new Vector3(1, 2, 3), rnd.NextDouble() * 90) * rig.LocalRotations[rig.Map[bone]];
                HumanoidPose pose = HumanoidPose.FromValues(RandomValues(rnd), StreamBones);
                r.Solve(pose, new RetargetOptions());
                r.Apply(rig, BodyParts.All);
                CheckDirections(rig, rest, r, pose, "pose " + k, errors);
                // twist: the palms and the hips turn with the stream
                foreach (string side in new[] { "Left", "Right" })
                {
                    HumanoidBone hand = side == "Left" ? HumanoidBone.LeftHand : HumanoidBone.RightHand;
                    Vector3 got = rig.Position(rig.Index("marker:" + side + "Palm")) - rig.Position(rig.Map[hand]);
                    Assert.Less(Degrees(got, Vector3.Transform(new Vector3(0, -1, 0), pose.World(hand))), MaxDegrees, side + " palm");
                }
                Quaternion hips = rig.Rotation(rig.Map[HumanoidBone.Hips]);
                Quaternion expected = pose.World(HumanoidBone.Hips) * r.RestRotation(HumanoidBone.Hips);
                Assert.Greater(Math.Abs(Quaternion.Dot(hips, expected)), Math.Cos(0.5 * Math.PI / 180), "hips");
            }
            errors.Sort();
            Console.WriteLine("largest direction error " + errors[errors.Count - 1].ToString("0.0000") + "° over " + errors.Count);
        }

        [Test]
        public void MirrorDrivesTheOtherSideReflected()
        {
            TestRig rig = MixamoLike(false, 5);
            var r = new HumanoidRetargeter(rig.Rest());
            HumanoidPose pose = HumanoidPose.FromValues(RandomValues(new Random(9)), StreamBones);
            r.Solve(pose, new RetargetOptions { Mirror = true });
            r.Apply(rig, BodyParts.All);
            Vector3 streamLeft = Vector3.Transform(new Vector3(-1, 0, 0), pose.World(HumanoidBone.LeftLowerArm));
            Vector3 rigRight = rig.Position(rig.Map[HumanoidBone.RightHand]) - rig.Position(rig.Map[HumanoidBone.RightLowerArm]);
            Assert.Less(Degrees(new Vector3(-streamLeft.X, streamLeft.Y, streamLeft.Z), rigRight), MaxDegrees);
            HumanoidPose twice = pose.Mirrored().Mirrored();
            foreach (HumanoidBone bone in HumanoidSkeleton.Driven)
                Assert.Greater(Math.Abs(Quaternion.Dot(twice.Local(bone), pose.Local(bone))), 0.99999f, bone.ToString());
        }

        [Test]
        public void APartLeftToTheAnimatorIsNotTouchedAndCarriesTheDrivenOnes()
        {
            TestRig rig = MixamoLike(false, 6);
            var r = new HumanoidRetargeter(rig.Rest());
            HumanoidPose pose = HumanoidPose.FromValues(RandomValues(new Random(4)), StreamBones);
            int chest = rig.Map[HumanoidBone.UpperChest];
            rig.LocalRotations[rig.Map[HumanoidBone.Spine]] = Axis(Vector3.UnitY, 50); // the Animator turned the torso
            Quaternion spineBefore = rig.LocalRotations[rig.Map[HumanoidBone.Spine]];
            r.Solve(pose, new RetargetOptions());
            r.Apply(rig, BodyParts.All & ~BodyParts.Torso);
            Assert.AreEqual(spineBefore, rig.LocalRotations[rig.Map[HumanoidBone.Spine]], "the torso is the Animator's");
            // the arm keeps its streamed rotation relative to the (Animator's) chest
            Quaternion relative = Quaternion.Inverse(rig.Rotation(chest)) * rig.Rotation(rig.Map[HumanoidBone.LeftShoulder]);
            Quaternion wanted = Quaternion.Inverse(r.Target(HumanoidBone.UpperChest)) * r.Target(HumanoidBone.LeftShoulder);
            Assert.Greater(Math.Abs(Quaternion.Dot(relative, wanted)), 0.99999f);
        }

        [Test]
        public void BlendingApproachesTheTargetAndStartsThere()
        {
            TestRig rig = MixamoLike(false, 8);
            var r = new HumanoidRetargeter(rig.Rest());
            var rnd = new Random(2);
            HumanoidPose a = HumanoidPose.FromValues(RandomValues(rnd), StreamBones);
            HumanoidPose b = HumanoidPose.FromValues(RandomValues(rnd), StreamBones);
            r.Solve(a, new RetargetOptions());
            r.Apply(rig, BodyParts.All, 0.1f); // the first call snaps
            Quaternion atA = rig.Rotation(rig.Map[HumanoidBone.LeftLowerArm]);
            Assert.Greater(Math.Abs(Quaternion.Dot(atA, r.Target(HumanoidBone.LeftLowerArm))), 0.99999f);
            r.Solve(b, new RetargetOptions());
            r.Apply(rig, BodyParts.All, 0.5f);
            Quaternion half = rig.Rotation(rig.Map[HumanoidBone.LeftLowerArm]);
            Assert.Less(Math.Abs(Quaternion.Dot(half, r.Target(HumanoidBone.LeftLowerArm))), 0.99999f, "not there yet");
            for (int k = 0; k < 40; k++)
                r.Apply(rig, BodyParts.All, 0.5f);
            Assert.Greater(Math.Abs(Quaternion.Dot(rig.Rotation(rig.Map[HumanoidBone.LeftLowerArm]), r.Target(HumanoidBone.LeftLowerArm))), 0.99999f);
        }

        [Test]
        public void RootMotionScalesWithTheRig()
        {
            TestRig rig = MixamoLike(false, 7);
            var r = new HumanoidRetargeter(rig.Rest());
            var pose = new HumanoidPose { HipsPosition = new Vector3(0.5f, 0.1f, -1f) };
            r.Solve(pose, new RetargetOptions());
            Assert.AreEqual(r.RestHipsPosition, r.HipsPosition, "in place without root motion");
            r.Solve(pose, new RetargetOptions { RootMotion = true, HeightScale = 2f });
            Vector3 moved = r.HipsPosition - r.RestHipsPosition;
            float k = 2f * 1.0f / HumanoidRetargeter.StandardHipsHeight; // rest hips at 1.0 m
            Assert.AreEqual(0.5f * k, moved.X, 1e-5);
            Assert.AreEqual(-1f * k, moved.Z, 1e-5);
            r.Solve(pose, new RetargetOptions { RootMotion = true, Mirror = true });
            Assert.Less(r.HipsPosition.X, r.RestHipsPosition.X, "mirrored root motion goes the other way");
        }

        [TestCase(new[] { 0.09f, 0.02f }, new[] { 0.09f, 0.02f }, false, 0f)] // standing: nothing to do
        [TestCase(new[] { 0.09f, 0.02f }, new[] { 0.30f, 0.25f }, false, -0.21f)] // crouching: the feet came up, the hips go down
        [TestCase(new[] { 0.09f, 0.02f }, new[] { -0.10f, 0.00f }, false, 0.19f)] // a foot below the floor: hips go up
        [TestCase(new[] { 0.09f, 0.02f }, new[] { 0.30f, 0.25f }, true, 0f)] // in the air with root motion: stays there
        [TestCase(new[] { 0.09f, 0.02f }, new[] { -0.10f, 0.00f }, true, 0.19f)] // ... but never sinks
        public void FeetOnTheGround(float[] rest, float[] posed, bool onlyLift, float expected)
        {
            Assert.AreEqual(expected, HumanoidRetargeter.GroundOffset(rest, posed, onlyLift), 1e-6);
        }

        [Test]
        public void RestPoseComposesScaledRotatedParents()
        {
            var b = new RestPoseBuilder();
            // an FBX armature node scaled to centimetres and turned, with Hips 100 units up
            int armature = b.Add(-1, new Vector3(0, 0, 0), Axis(Vector3.UnitX, -90), new Vector3(0.01f, 0.01f, 0.01f));
            int hips = b.Add(armature, new Vector3(0, 0, 100), Axis(Vector3.UnitX, 90), Vector3.One);
            int spine = b.Add(hips, new Vector3(0, 10, 0), Quaternion.Identity, Vector3.One);
            Vector3 p;
            Quaternion q;
            b.Get(hips, out p, out q);
            Assert.Less(Vector3.Distance(p, new Vector3(0, 1, 0)), 1e-5f);
            Assert.Greater(Math.Abs(Quaternion.Dot(q, Quaternion.Identity)), 0.99999f);
            b.Get(spine, out p, out q);
            Assert.Less(Vector3.Distance(p, new Vector3(0, 1.1f, 0)), 1e-5f);
            Assert.Throws<ArgumentOutOfRangeException>(() => b.Add(7, Vector3.Zero, Quaternion.Identity, Vector3.One));
        }

        // ------------------------------------------------------------------ fingers (serve --avatar --hands)

        /// <summary>
        /// A T-pose rig with five three-bone fingers per hand, each bone with Mixamo-like axes (y along it, a random
        /// roll), resting a little curled (15° per joint, thumb 10°), with a tip node after each Distal bone.
        /// </summary>
        static TestRig HandsRig(int seed)
        {
            var rnd = new Random(seed);
            var rig = new TestRig();
            rig.Map[HumanoidBone.Hips] = rig.Add("Hips", null, new Vector3(0, 1, 0), BoneFrame(Vector3.UnitY, 0));
            rig.Map[HumanoidBone.Spine] = rig.Add("Spine", "Hips", new Vector3(0, 1.1f, 0), BoneFrame(Vector3.UnitY, 0));
            string[] fingerNames = { "Thumb", "Index", "Middle", "Ring", "Little" };
            float[] across = { 0.022f, 0.022f, 0f, -0.02f, -0.038f };
            foreach (int s in new[] { -1, 1 })
            {
                string side = s < 0 ? "Left" : "Right";
                var x = new Vector3(s, 0, 0);
                var shoulder = new Vector3(s * 0.18f, 1.45f, 0);
                HumanoidBone upper = s < 0 ? HumanoidBone.LeftUpperArm : HumanoidBone.RightUpperArm;
                HumanoidBone lower = s < 0 ? HumanoidBone.LeftLowerArm : HumanoidBone.RightLowerArm;
                HumanoidBone hand = s < 0 ? HumanoidBone.LeftHand : HumanoidBone.RightHand;
                rig.Map[upper] = rig.Add(side + "Arm", "Spine", shoulder, BoneFrame(x, rnd.NextDouble() * 360));
                rig.Map[lower] = rig.Add(side + "ForeArm", side + "Arm", shoulder + 0.28f * x, BoneFrame(x, rnd.NextDouble() * 360));
                Vector3 wrist = shoulder + 0.53f * x;
                rig.Map[hand] = rig.Add(side + "Hand", side + "ForeArm", wrist, BoneFrame(x, rnd.NextDouble() * 360));
                for (int f = 0; f < 5; f++)
                {
                    Vector3 dir = f == 0 ? Vector3.Normalize(new Vector3(s * 0.6f, -0.15f, 0.78f)) : x;
                    Vector3 flexAxis = Vector3.Normalize(Vector3.Cross(dir, Vector3.UnitY)); // curls towards the palm (−y)
                    Vector3 p = wrist + (f == 0 ? new Vector3(s * 0.025f, -0.012f, 0.022f) : new Vector3(s * 0.09f, 0, across[f]));
                    string parent = side + "Hand";
                    double curl = 0;
                    for (int k = 0; k < 3; k++)
                    {
                        var bone = (HumanoidBone)((int)(s < 0 ? HumanoidBone.LeftThumbProximal : HumanoidBone.RightThumbProximal) + f * 3 + k);
                        curl += (f == 0 ? 10 : 15) * (k < 2 ? 1 : 0); // the Distal straight on from its Intermediate
                        Vector3 d = Vector3.Transform(dir, Axis(flexAxis, -curl * s * s));
                        string name = side + fingerNames[f] + (k + 1);
                        rig.Map[bone] = rig.Add(name, parent, p, BoneFrame(d, rnd.NextDouble() * 360));
                        p += 0.03f * d;
                        parent = name;
                    }
                    rig.Add(side + fingerNames[f] + "Tip", parent, p, Quaternion.Identity);
                }
            }
            return rig;
        }

        [Test]
        public void TheServersFingerBonesAreKnownInOrder()
        {
            string path = TestEnv.RepoFile("protocol/vectors/v1.json");
            var doc = (Dictionary<string, object>)JsonReader.Read(File.ReadAllText(path, Encoding.UTF8));
            Dictionary<string, object> vector = null;
            foreach (object v in (List<object>)doc["vectors"])
                if ((string)((Dictionary<string, object>)v)["name"] == "hello/humanoid-fingers")
                    vector = (Dictionary<string, object>)v;
            Assert.IsNotNull(vector);
            var hello = (HelloMessage)ProtocolCodec.Decode(MessageTree.FromHex((string)vector["msgpack"]));
            Assert.AreEqual(StreamBones.Length + 30, hello.HumanoidBones.Length);
            for (int i = 0; i < 30; i++)
                Assert.AreEqual(HumanoidSkeleton.Fingers[i].ToString(), hello.HumanoidBones[StreamBones.Length + i]);
            Assert.AreEqual(21, hello.HandLandmarks.Length);
            Assert.IsTrue(hello.HasHands);
        }

        [TestCase(1)]
        [TestCase(2)]
        public void FingersFollowTheStreamWithinOneDegree(int seed)
        {
            TestRig rig = HandsRig(seed);
            var rest = new List<Vector3>();
            for (int i = 0; i < rig.Names.Count; i++)
                rest.Add(rig.Position(i));
            var r = new HumanoidRetargeter(rig.Rest());
            var rnd = new Random(seed);
            var names = new List<string>(StreamBones);
            foreach (HumanoidBone b in HumanoidSkeleton.Fingers)
                names.Add(b.ToString());
            var values = new List<float> { 0, 0, 0 };
            foreach (string name in names)
            {
                // arms at rest; fingers bent up to 80° about a random axis (the retargeter maps any rotation)
                var axis = new Vector3((float)(rnd.NextDouble() - 0.5), (float)(rnd.NextDouble() - 0.5), (float)(rnd.NextDouble() - 0.5));
                Quaternion q = name.Contains("Proximal") || name.Contains("Intermediate") || name.Contains("Distal")
                    ? Axis(axis, rnd.NextDouble() * 80) : Quaternion.Identity;
                values.AddRange(new[] { q.X, q.Y, q.Z, q.W });
            }
            HumanoidPose pose = HumanoidPose.FromValues(values.ToArray(), names.ToArray());
            r.Solve(pose, new RetargetOptions());
            r.Apply(rig, BodyParts.All);
            double worst = 0;
            foreach (HumanoidBone bone in HumanoidSkeleton.Fingers)
            {
                int i = rig.Map[bone];
                int child = HumanoidSkeleton.IsFinger((HumanoidBone)((int)bone + 1)) && ((int)bone - (int)HumanoidBone.LeftThumbProximal) % 3 != 2
                    ? rig.Map[(HumanoidBone)((int)bone + 1)]
                    : rig.Names.IndexOf(rig.Names[i].Substring(0, rig.Names[i].Length - 1) + "Tip");
                Vector3 tpose;
                HumanoidBone[] towards;
                if (!HumanoidSkeleton.TryGetDirection(bone, out tpose, out towards))
                    Assert.IsTrue(HumanoidSkeleton.TryGetDirection((HumanoidBone)((int)bone - 1), out tpose, out towards), bone.ToString());
                Vector3 expected = Vector3.Transform(tpose, pose.World(bone));
                double err = Degrees(expected, rig.Position(child) - rig.Position(i));
                worst = Math.Max(worst, err);
                Assert.Less(err, MaxDegrees, bone + " points " + err.ToString("0.000") + "° away");
            }
            Console.WriteLine("fingers: largest direction error " + worst.ToString("0.0000") + "°");
        }

        [Test]
        public void FingersTheStreamDoesNotSendAreLeftToTheAnimator()
        {
            TestRig rig = HandsRig(3);
            var r = new HumanoidRetargeter(rig.Rest());
            int index = rig.Map[HumanoidBone.LeftIndexIntermediate];
            rig.LocalRotations[index] = Axis(Vector3.UnitX, 40); // the Animator's grip
            Quaternion before = rig.LocalRotations[index];
            r.Solve(HumanoidPose.FromValues(RandomValues(new Random(1)), StreamBones), new RetargetOptions());
            r.Apply(rig, BodyParts.All);
            Assert.AreEqual(before, rig.LocalRotations[index]);
            Assert.AreEqual(BodyParts.Fingers, HumanoidSkeleton.PartOf(HumanoidBone.RightLittleDistal));
            Assert.AreEqual(HumanoidBone.RightThumbProximal, HumanoidSkeleton.Mirror(HumanoidBone.LeftThumbProximal));
            Assert.AreEqual(HumanoidBone.LeftHand, HumanoidSkeleton.AncestorsOf(HumanoidBone.LeftThumbProximal)[0]);
        }

        [Test]
        public void ARigWithoutHipsIsRefused()
        {
            Assert.Throws<ArgumentException>(() => new HumanoidRetargeter(new[] { new RigBone(HumanoidBone.Head, Vector3.Zero, Quaternion.Identity) }));
        }
    }
}
