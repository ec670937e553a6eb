using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using NUnit.Framework;

namespace PoseBridge.Tests
{
    /// <summary>The hands of a frame (protocol/SPEC.md §4c) as the HandsView component places them, on the shared vectors.</summary>
    [TestFixture]
    public sealed class HandsTests
    {
        static FrameMessage VectorFrame(string name)
        {
            string path = TestEnv.RepoFile("protocol/vectors/v1.json");
            var doc = (Dictionary<string, object>)JsonReader.Read(File.ReadAllText(path, Encoding.UTF8));
            foreach (object v in (List<object>)doc["vectors"])
            {
                var vector = (Dictionary<string, object>)v;
                if ((string)vector["name"] == name)
                    return (FrameMessage)ProtocolCodec.Decode(MessageTree.FromHex((string)vector["msgpack"]));
            }
            throw new InvalidOperationException("no vector " + name);
        }

        [Test]
        public void HandsBelongToThePrimaryPersonOrByIdAndAbsentOnesAreNull()
        {
            FrameMessage frame = VectorFrame("frame/people-hands");
            Assert.IsTrue(frame.HasHands);
            Assert.AreSame(frame.LeftHand, Hands.Find(frame, 0, true));
            Assert.AreSame(frame.People[0].RightHand, Hands.Find(frame, 1, false));
            Assert.IsNull(Hands.Find(frame, 2, true), "person 2's left hand was not found in this frame");
            Assert.IsNotNull(Hands.Find(frame, 2, false));
            Assert.IsNull(Hands.Find(frame, 99, false), "nobody with that id");
            FrameMessage none = VectorFrame("frame/hands-none-found");
            Assert.IsTrue(none.HasHands);
            Assert.IsNull(Hands.Find(none, 0, true));
            Assert.IsNull(Hands.Find(none, 0, false));
            Assert.IsFalse(VectorFrame("frame/detected").HasHands);
            Assert.AreEqual(15, Hands.BodyWrist(true));
            Assert.AreEqual(16, Hands.BodyWrist(false));
        }

        [TestCase(false, 1.0)]
        [TestCase(true, 1.0)]
        [TestCase(false, 2.5)]
        public void OffsetsAreFromTheWristInUnityAxes(bool mirror, double scale)
        {
            HandMessage hand = VectorFrame("frame/hands").LeftHand;
            var offsets = new Vec3[21];
            Assert.IsTrue(Hands.TryGetOffsets(hand, CoordinateSpace.World, AxisMapping.Standard, 1.0, mirror, scale, offsets));
            Assert.AreEqual(new Vec3(0, 0, 0), offsets[0]);
            for (int i = 0; i < 21; i++)
            {
                int o = i * 5;
                double dx = hand.World[o] - hand.World[0], dy = hand.World[o + 1] - hand.World[1], dz = hand.World[o + 2] - hand.World[2];
                Assert.AreEqual((mirror ? -dx : dx) * scale, offsets[i].X, 1e-9, "x " + i);
                Assert.AreEqual(-dy * scale, offsets[i].Y, 1e-9, "y " + i);
                Assert.AreEqual(dz * scale, offsets[i].Z, 1e-9, "z " + i);
            }
        }

        [Test]
        public void NoOffsetsWithoutTheBlockForTheSpace()
        {
            HandMessage noWorld = VectorFrame("frame/hands-world-null").RightHand;
            var offsets = new Vec3[21];
            Assert.IsFalse(Hands.TryGetOffsets(noWorld, CoordinateSpace.World, AxisMapping.Standard, 1.0, false, 1.0, offsets));
            Assert.IsTrue(Hands.TryGetOffsets(noWorld, CoordinateSpace.Image, AxisMapping.Standard, 16.0 / 9, false, 1.0, offsets));
            Assert.IsFalse(Hands.TryGetOffsets(noWorld, CoordinateSpace.Unity, AxisMapping.Standard, 1.0, false, 1.0, offsets));
            Assert.IsFalse(Hands.TryGetOffsets(null, CoordinateSpace.World, AxisMapping.Standard, 1.0, false, 1.0, offsets));
            Assert.Throws<ArgumentException>(() => Hands.TryGetOffsets(noWorld, CoordinateSpace.Image, AxisMapping.Standard, 1.0, false, 1.0, new Vec3[3]));
        }
    }
}
