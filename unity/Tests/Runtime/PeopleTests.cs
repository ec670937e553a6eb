using System.Collections.Generic;
using NUnit.Framework;

namespace PoseBridge.Tests
{
    /// <summary>Several people: where each stands relative to the primary person, and a colour per id.</summary>
    public sealed class PeopleTests
    {
        static PersonMessage At(long id, double x, double y, double z)
        {
            return new PersonMessage { Id = id, Root = new[] { x, y, z } };
        }

        [TestCase(1.0, 0.0, 3.0, false, 1.0, 1.0, 0.0, 0.0)]       // a meter to the right: Unity +x
        [TestCase(0.0, -0.5, 3.0, false, 1.0, 0.0, 0.5, 0.0)]      // MediaPipe y down: half a meter higher is Unity +y
        [TestCase(0.0, 0.0, 5.0, false, 1.0, 0.0, 0.0, 2.0)]       // two meters further from the camera: Unity +z
        [TestCase(1.0, 0.0, 3.0, true, 1.0, -1.0, 0.0, 0.0)]       // mirrored
        [TestCase(-2.0, 0.25, 4.0, false, 0.5, -1.0, -0.125, 0.5)] // scaled
        public void RootOffsetIsTheRootsDifferenceInSceneAxes(double x, double y, double z, bool mirror, double scale,
            double ex, double ey, double ez)
        {
            Vec3 o = People.RootOffset(At(2, x, y, z), At(1, 0, 0, 3), AxisMapping.Standard, mirror, scale);
            Assert.AreEqual(ex, o.X, 1e-12);
            Assert.AreEqual(ey, o.Y, 1e-12);
            Assert.AreEqual(ez, o.Z, 1e-12);
        }

        [Test]
        public void AnUnknownRootPlacesThePersonAtThePrimary()
        {
            var unknown = new PersonMessage { Id = 3 };
            Assert.AreEqual(new Vec3(0, 0, 0), People.RootOffset(unknown, At(1, 0, 0, 3), AxisMapping.Standard));
            Assert.AreEqual(new Vec3(0, 0, 0), People.RootOffset(At(2, 1, 0, 3), unknown, AxisMapping.Standard));
        }

        [Test]
        public void FindById()
        {
            var people = new List<PersonMessage> { At(1, 0, 0, 3), At(7, 1, 0, 3) };
            Assert.AreEqual(7, People.Find(people, 7).Id);
            Assert.IsNull(People.Find(people, 2));
            Assert.IsNull(People.Find(null, 1));
        }

        [Test]
        public void TheAvatarFollowsTheChosenPersonOrThePrimary()
        {
            var hello = new HelloMessage { HumanoidBones = new[] { "Hips", "Spine" } };
            float[] mine = { 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1 };
            float[] theirs = { 2, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0 };
            var frame = new FrameMessage
            {
                Humanoid = mine,
                People = new List<PersonMessage>
                {
                    new PersonMessage { Id = 1, Humanoid = mine }, new PersonMessage { Id = 5, Humanoid = theirs },
                },
            };
            Assert.AreEqual(0f, HumanoidPose.FromFrame(frame, hello, 0).HipsPosition.X);
            Assert.AreEqual(2f, HumanoidPose.FromFrame(frame, hello, 5).HipsPosition.X);
            Assert.AreEqual(0f, HumanoidPose.FromFrame(frame, hello, 1).HipsPosition.X);
            Assert.IsNull(HumanoidPose.FromFrame(frame, hello, 3), "nobody with id 3 in this frame");
        }

        [Test]
        public void NeighbouringIdsGetClearlyDifferentColours()
        {
            for (long id = 1; id < 50; id++)
            {
                float r1, g1, b1, r2, g2, b2;
                People.ColorForId(id, out r1, out g1, out b1);
                People.ColorForId(id + 1, out r2, out g2, out b2);
                foreach (float c in new[] { r1, g1, b1 })
                    Assert.That(c, Is.InRange(0f, 1f));
                double distance = System.Math.Sqrt((r1 - r2) * (r1 - r2) + (g1 - g2) * (g1 - g2) + (b1 - b2) * (b1 - b2));
                Assert.That(distance, Is.GreaterThan(0.3), "ids " + id + " and " + (id + 1));
            }
        }
    }
}
