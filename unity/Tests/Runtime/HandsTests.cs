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

        // ---- HandFigures: whose hands go on which figure ----

        sealed class Figure
        {
            public readonly string Name;
            public bool Hidden;
            public Figure(string name) { Name = name; }
        }

        static readonly HandMessage L = new HandMessage(), R = new HandMessage();

        /// <summary>A frame: the primary person's hands (l, r) and people as "id:LR" ("3:L" = person 3, left hand only; "4:" none).</summary>
        static FrameMessage Frame(params string[] people)
        {
            var frame = new FrameMessage { HasHands = true };
            if (people.Length == 0)
                return frame;
            frame.People = new List<PersonMessage>();
            foreach (string p in people)
            {
                string[] parts = p.Split(':');
                frame.People.Add(new PersonMessage
                {
                    Id = long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture),
                    LeftHand = parts[1].Contains("L") ? new HandMessage() : null,
                    RightHand = parts[1].Contains("R") ? new HandMessage() : null,
                });
            }
            frame.LeftHand = frame.People[0].LeftHand; // the frame's own hands are the primary person's
            frame.RightHand = frame.People[0].RightHand;
            return frame;
        }

        /// <summary>One frame through <paramref name="figures"/>: "id:figure(sides)" per person placed, P for the primary; hides into the figures.</summary>
        static string Place(HandFigures<Figure> figures, FrameMessage frame, long personId, bool everyone, List<Figure> made)
        {
            Func<Figure> make = () => { var f = new Figure("f" + made.Count); made.Add(f); return f; };
            var shown = new List<string>();
            foreach (PlacedHands<Figure> p in figures.Place(frame, personId, everyone, make, f => f.Hidden = true))
            {
                p.Figure.Hidden = false;
                shown.Add((p.Primary ? "P" : "") + p.PersonId + ":" + p.Figure.Name + "(" + (p.Left != null ? "L" : "") +
                          (p.Right != null ? "R" : "") + ")");
            }
            return string.Join(" ", shown.ToArray());
        }

        [Test]
        public void EveryoneShownGetsTheirOwnHandsOnTheirOwnFigure()
        {
            FrameMessage frame = VectorFrame("frame/people-hands");
            var figures = new HandFigures<Figure>();
            var made = new List<Figure>();
            var placed = new List<PlacedHands<Figure>>(figures.Place(frame, 0, true, () => new Figure("x"), null));
            Assert.AreEqual(2, placed.Count);
            Assert.IsTrue(placed[0].Primary);
            Assert.AreEqual(1, placed[0].PersonId);
            Assert.AreSame(frame.LeftHand, placed[0].Left);
            Assert.AreSame(frame.RightHand, placed[0].Right);
            Assert.IsFalse(placed[1].Primary);
            Assert.AreEqual(2, placed[1].PersonId, "person 2's hands go on person 2's wrists, not the primary person's");
            Assert.IsNull(placed[1].Left, "person 2's left hand was not found: hidden, not carried over");
            Assert.AreSame(frame.People[1].RightHand, placed[1].Right);
            Assert.AreNotSame(placed[0].Figure, placed[1].Figure);
            Assert.AreEqual("P1:f0(LR)", Place(new HandFigures<Figure>(), frame, 0, false, made),
                "a view that shows one person: only the primary person's hands");
        }

        [Test]
        public void PeopleComeAndGoOnPooledFigures()
        {
            var figures = new HandFigures<Figure>();
            var made = new List<Figure>();
            Assert.AreEqual("P1:f0(LR) 2:f1(R) 3:f2(L)", Place(figures, Frame("1:LR", "2:R", "3:L"), 0, true, made));
            Assert.AreEqual("P1:f0(L) 2:f1(R) 3:f2(LR)", Place(figures, Frame("1:L", "2:R", "3:LR"), 0, true, made),
                "the same people keep their figures");
            Assert.AreEqual("P1:f0(LR) 4:f2(R)", Place(figures, Frame("1:LR", "3:", "4:R"), 0, true, made),
                "2 left and 3 has no hand in this frame: both figures are given back (2's, then 3's) and 4 takes " +
                "the last one given back");
            Assert.IsTrue(made[1].Hidden, "2's figure is hidden at once");
            Assert.AreEqual(1, figures.ActiveOthers);
            Assert.AreEqual(1, figures.Spare);
            Assert.AreEqual("P3:f0(R) 1:f2(L)", Place(figures, Frame("3:R", "1:L"), 0, true, made),
                "3 became primary: the primary figure; 4 left and 1 takes the figure 4 gave back");
            Assert.IsTrue(made[1].Hidden, "still spare");
            Assert.AreEqual("1:f2(L)", Place(figures, Frame("3:", "1:L"), 0, true, made), "the primary person has no hands");
            Assert.IsTrue(made[0].Hidden, "the primary figure is hidden while the primary person shows no hands");
            Assert.AreEqual("", Place(figures, null, 0, true, made), "a stream without hands: nobody");
            Assert.IsTrue(made[0].Hidden && made[1].Hidden && made[2].Hidden);
            Assert.AreEqual(3, made.Count, "three figures for at most three people with hands at once");
            Assert.AreEqual("P5:f0(LR) 6:f2(R) 7:f1(L)", Place(figures, Frame("5:LR", "6:R", "7:L"), 0, true, made));
            Assert.AreEqual(3, made.Count, "new people reuse the figures");
            List<Figure> all = figures.Drain();
            Assert.AreEqual(3, all.Count);
            Assert.AreSame(made[0], all[0], "the primary figure first");
            Assert.AreEqual(0, figures.ActiveOthers + figures.Spare);
            Assert.AreEqual("P5:f3(LR)", Place(figures, Frame("5:LR", "6:R"), 0, false, made), "drained: new figures");
        }

        [Test]
        public void OnePersonByIdOnTheirOwnFigure()
        {
            var figures = new HandFigures<Figure>();
            var made = new List<Figure>();
            Assert.AreEqual("2:f0(R)", Place(figures, Frame("1:LR", "2:R", "3:L"), 2, true, made),
                "person 2 only, on a figure of their own, also when the view shows everyone");
            Assert.AreEqual("2:f0(R)", Place(figures, Frame("1:LR", "2:R", "3:L"), 2, false, made));
            Assert.AreEqual("", Place(figures, Frame("1:LR", "3:L"), 2, true, made), "person 2 left");
            Assert.IsTrue(made[0].Hidden);
            Assert.AreEqual("P2:f1(L)", Place(figures, Frame("2:L", "3:L"), 2, true, made),
                "person 2 is the primary person now: the primary figure (the view draws them with its primary figure)");
            Assert.AreEqual("", Place(figures, Frame(), 2, true, made), "a frame without people has no ids");
            Assert.IsTrue(made[1].Hidden);
            FrameMessage single = Frame();
            single.LeftHand = L;
            single.RightHand = R;
            Assert.AreEqual("P0:f1(LR)", Place(figures, single, 0, true, made), "a single-person stream: the primary person, id 0");
            Assert.AreEqual(2, made.Count);
            Assert.Throws<ArgumentNullException>(() => figures.Place(single, 0, true, null, null));
            Assert.Throws<InvalidOperationException>(() => new HandFigures<Figure>().Place(single, 0, true, () => null, null));
        }
    }
}
