using System.Collections.Generic;
using System.Numerics;
using NUnit.Framework;

namespace PoseBridge.Tests
{
    /// <summary>
    /// Grounded streams (protocol/SPEC.md §4d) on a rig: the hips above the scene's floor, the planted feet on it,
    /// a jump left in the air; the contacts a frame carries, mirrored with the rig.
    /// </summary>
    [TestFixture]
    public sealed class GroundedTests
    {
        [TestCase(0.0f, 0.89f, 0.0f, 1.0f, 1.0f, 0.0f, 0.89f, 0.0f)] // the standard skeleton standing at the origin
        [TestCase(1.0f, 0.89f, 2.0f, 1.0f, 1.0f, 1.0f, 0.89f, 2.0f)] // walked 1 m right and 2 m away
        [TestCase(1.0f, 0.89f, 2.0f, 1.2f, 1.0f, 1.2f, 1.068f, 2.4f)] // a rig 20 % taller: everything × 1.2
        [TestCase(1.0f, 0.89f, 2.0f, 1.0f, 0.5f, 0.5f, 0.89f, 1.0f)] // half the travel, the height as it is
        [TestCase(0.0f, 1.19f, 0.0f, 1.0f, 1.0f, 0.0f, 1.19f, 0.0f)] // a 30 cm jump
        [TestCase(0.0f, 0.47f, -0.4f, 1.0f, 1.0f, 0.0f, 0.47f, -0.4f)] // sitting down
        public void HipsAreTheStreamsScaledToTheRig(float x, float y, float z, float size, float travel, float ex, float ey, float ez)
        {
            Vector3 rest = new Vector3(0.0f, 0.89f * size, 0.0f);
            Vector3 h = GroundedPlacement.Hips(new Vector3(x, y, z), rest, size, travel);
            Assert.AreEqual(ex, h.X, 1e-5);
            Assert.AreEqual(ey, h.Y, 1e-5);
            Assert.AreEqual(ez, h.Z, 1e-5);
        }

        [Test]
        public void RestOffsetsOfTheRigStay()
        {
            Vector3 h = GroundedPlacement.Hips(new Vector3(0.5f, 0.9f, 0f), new Vector3(0.02f, 0.95f, -0.01f), 1f, 1f);
            Assert.AreEqual(0.52f, h.X, 1e-6);
            Assert.AreEqual(-0.01f, h.Z, 1e-6);
        }

        [Test]
        public void PlantedFeetGoBackToTheirRestHeight()
        {
            var rest = new List<float> { 0.08f, 0.08f, 0.02f, 0.02f }; // left foot, right foot, left toes, right toes
            // the rig's legs are shorter than the standard skeleton's: its feet sink 3 cm below the floor
            var posed = new List<float> { 0.05f, 0.2f, -0.01f, 0.15f };
            Assert.AreEqual(0.03f, GroundedPlacement.FootLift(rest, posed, new List<bool> { true, false, true, false }), 1e-6);
            // floating: brought down
            posed = new List<float> { 0.12f, 0.3f, 0.06f, 0.25f };
            Assert.AreEqual(-0.04f, GroundedPlacement.FootLift(rest, posed, new List<bool> { true, false, true, false }), 1e-6);
            // the lowest of the planted feet decides; an unplanted foot below the floor does not
            posed = new List<float> { 0.1f, 0.0f, 0.04f, -0.06f };
            Assert.AreEqual(-0.02f, GroundedPlacement.FootLift(rest, posed, new List<bool> { true, false, true, false }), 1e-6);
        }

        [Test]
        public void NothingPlantedLeavesTheJumpInTheAir()
        {
            var rest = new List<float> { 0.08f, 0.08f };
            var posed = new List<float> { 0.4f, 0.42f };
            Assert.AreEqual(0f, GroundedPlacement.FootLift(rest, posed, new List<bool> { false, false }));
            Assert.AreEqual(0f, GroundedPlacement.FootLift(rest, posed, new List<bool> { true }));
            Assert.AreEqual(0f, GroundedPlacement.FootLift(null, posed, new List<bool> { true, true }));
        }

        [Test]
        public void ContactsOfTheFrameOrAPersonMirroredWithTheRig()
        {
            var frame = new FrameMessage
            {
                Humanoid = new float[3],
                Contacts = new[] { true, false },
                People = new List<PersonMessage>
                {
                    new PersonMessage { Id = 1, Contacts = new[] { true, false } },
                    new PersonMessage { Id = 4, Contacts = new[] { false, true } },
                },
            };
            CollectionAssert.AreEqual(new[] { true, false }, GroundedPlacement.Contacts(frame, 0, false));
            CollectionAssert.AreEqual(new[] { false, true }, GroundedPlacement.Contacts(frame, 0, true));
            CollectionAssert.AreEqual(new[] { false, true }, GroundedPlacement.Contacts(frame, 4, false));
            Assert.IsNull(GroundedPlacement.Contacts(frame, 7, false));
            Assert.IsNull(GroundedPlacement.Contacts(new FrameMessage(), 0, false));
            Assert.IsNull(GroundedPlacement.Contacts(null, 0, false));
        }

        [Test]
        public void GroundedVectorsDecode()
        {
            var hello = (HelloMessage)ProtocolCodec.Decode(
                "{\"type\":\"hello\",\"protocol\":1,\"server\":\"x\",\"source\":{\"kind\":\"demo\",\"name\":\"d\"}," +
                "\"landmarks\":[],\"fields\":[],\"bones\":[],\"humanoid_bones\":[\"Hips\"],\"root_motion\":\"grounded\"}");
            Assert.IsTrue(hello.Grounded);
            Assert.AreEqual("in-place", new HelloMessage().RootMotion);
            var frame = (FrameMessage)ProtocolCodec.Decode(
                "{\"type\":\"frame\",\"seq\":1,\"t\":0,\"captured_ns\":0,\"image\":null,\"world\":null," +
                "\"humanoid\":[[0,0.89,0],[0,0,0,1]],\"contacts\":[false,true],\"sent_ns\":0}");
            CollectionAssert.AreEqual(new[] { false, true }, frame.Contacts);
            var ignored = (FrameMessage)ProtocolCodec.Decode(
                "{\"type\":\"frame\",\"seq\":1,\"t\":0,\"captured_ns\":0,\"image\":null,\"world\":null," +
                "\"contacts\":[false,true],\"sent_ns\":0}");
            Assert.IsNull(ignored.Contacts); // contacts without a humanoid are ignored
        }

        [Test]
        public void RetargeterPlacesGroundedHipsAboveTheFloor()
        {
            var rig = new HumanoidRetargeter(new[] { new RigBone(HumanoidBone.Hips, new Vector3(0f, 1.068f, 0f), Quaternion.Identity) });
            var pose = HumanoidPose.FromValues(new[] { 1f, 1.19f, 2f, 0f, 0f, 0f, 1f }, new[] { "Hips" });
            rig.Solve(pose, new RetargetOptions { Grounded = true });
            Assert.AreEqual(1.2f, rig.HipsPosition.X, 1e-4);
            Assert.AreEqual(1.19f * 1.2f, rig.HipsPosition.Y, 1e-4);
            Assert.AreEqual(2.4f, rig.HipsPosition.Z, 1e-4);
            rig.Solve(pose, new RetargetOptions { RootMotion = true });
            Assert.AreEqual(1.068f + 1.19f * 1.2f, rig.HipsPosition.Y, 1e-4); // raw root motion adds to the rest height
        }
    }
}
