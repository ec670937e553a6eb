using System;
using NUnit.Framework;

namespace PoseBridge.Tests
{
    /// <summary>The follow camera's maths (<see cref="FollowMath"/>), as tables and properties.</summary>
    [TestFixture]
    public sealed class FollowMathTests
    {
        [TestCase(0.0, 0.016, 1.0)] // no smoothing: jump
        [TestCase(-2.0, 0.016, 1.0)]
        [TestCase(double.NaN, 0.016, 1.0)]
        [TestCase(4.0, 0.0, 0.0)] // a paused game does not move the camera
        [TestCase(4.0, -0.1, 0.0)]
        [TestCase(4.0, 0.25, 0.63212055882855767)] // 1 - e^-1
        [TestCase(1.0, 0.69314718055994529, 0.5)] // one half-life
        [TestCase(1000.0, 1.0, 1.0)]
        public void CatchUp(double rate, double dt, double expected)
        {
            Assert.AreEqual(expected, FollowMath.CatchUp(rate, dt), 1e-12);
        }

        [TestCase(4.0, 1.0 / 30)]
        [TestCase(4.0, 1.0 / 144)]
        [TestCase(0.5, 0.1)]
        public void SmallStepsCoverWhatOneBigStepCovers(double rate, double dt)
        {
            var hips = new Vec3(1.0, 1.0, 2.0);
            var offset = new Vec3(0.0, 0.2, -3.0);
            var start = new Vec3(-2.0, 0.5, -8.0);
            Vec3 once = FollowMath.Step(start, hips, offset, rate, 4 * dt);
            Vec3 p = start;
            for (int i = 0; i < 4; i++)
                p = FollowMath.Step(p, hips, offset, rate, dt);
            Assert.AreEqual(once.X, p.X, 1e-12);
            Assert.AreEqual(once.Y, p.Y, 1e-12);
            Assert.AreEqual(once.Z, p.Z, 1e-12);
            // strictly between start and target, on the straight line
            Vec3 target = hips + offset;
            double k = (p.Z - start.Z) / (target.Z - start.Z);
            Assert.That(k, Is.GreaterThan(0.0).And.LessThan(1.0));
            Assert.AreEqual(start.X + (target.X - start.X) * k, p.X, 1e-12);
            Assert.AreEqual(start.Y + (target.Y - start.Y) * k, p.Y, 1e-12);
        }

        [Test]
        public void HipsOfBlazePoseOfAHelloAndOfARig()
        {
            int left, right;
            Assert.IsTrue(FollowMath.TryFindHips(Topology.BlazePose, out left, out right));
            Assert.AreEqual(23, left);
            Assert.AreEqual(24, right);
            var rig = new Topology(new[] { "mixamorig2:Spine", "mixamorig2:Hips", "mixamorig2:LeftUpLeg" }, new int[0][], null);
            Assert.IsTrue(FollowMath.TryFindHips(rig, out left, out right));
            Assert.AreEqual(1, left);
            Assert.AreEqual(1, right);
            var hands = new Topology(new[] { "wrist", "thumb_cmc" }, new int[0][], null);
            Assert.IsFalse(FollowMath.TryFindHips(hands, out left, out right));
            Assert.AreEqual(-1, left);
            Assert.IsFalse(FollowMath.TryFindHips(null, out left, out right));
        }

        [Test]
        public void WithoutSmoothingTheCameraIsAtTheOffset()
        {
            Vec3 p = FollowMath.Step(new Vec3(5, 5, 5), new Vec3(0.1, 0.9, 0.3), new Vec3(0, 0.2, -3), 0, 0.02);
            Assert.AreEqual(0.1, p.X, 1e-15);
            Assert.AreEqual(1.1, p.Y, 1e-15);
            Assert.AreEqual(-2.7, p.Z, 1e-15);
        }
    }

    /// <summary>How strongly a joint is drawn for each <see cref="LowVisibility"/> mode.</summary>
    [TestFixture]
    public sealed class JointVisibilityTests
    {
        [TestCase(LowVisibility.Show, 0f, 1f)]
        [TestCase(LowVisibility.Show, float.NaN, 1f)]
        [TestCase(LowVisibility.Hide, 0.29f, 0f)]
        [TestCase(LowVisibility.Hide, 0.3f, 1f)]
        [TestCase(LowVisibility.Hide, 0.5f, 1f)]
        [TestCase(LowVisibility.Hide, float.NaN, 0f)]
        [TestCase(LowVisibility.Fade, 0.29f, 0f)]
        [TestCase(LowVisibility.Fade, 0.3f, 0f)]
        [TestCase(LowVisibility.Fade, 0.55f, 0.5f)]
        [TestCase(LowVisibility.Fade, 0.8f, 1f)]
        [TestCase(LowVisibility.Fade, 0.95f, 1f)]
        [TestCase(LowVisibility.Fade, float.NaN, 0f)]
        public void Alpha(LowVisibility mode, float visibility, float expected)
        {
            Assert.AreEqual(expected, JointVisibility.Alpha(mode, visibility, 0.3f, 0.8f), 1e-6);
        }

        [Test]
        public void FadeWithEqualThresholdsIsAHardCut()
        {
            Assert.AreEqual(0f, JointVisibility.Alpha(LowVisibility.Fade, 0.49f, 0.5f, 0.5f));
            Assert.AreEqual(1f, JointVisibility.Alpha(LowVisibility.Fade, 0.5f, 0.5f, 0.5f));
        }
    }

    /// <summary>The status overlay's text (<see cref="PoseStatusText"/>), exactly as shown on screen.</summary>
    [TestFixture]
    public sealed class PoseStatusTextTests
    {
        static ClientSnapshot Link(ClientStatus status, string error = null)
        {
            return new ClientSnapshot
            {
                Status = status,
                Url = "ws://127.0.0.1:8765/",
                LastError = error,
                Fps = 29.96,
                LatencyMs = 41.6,
                RoundTripMs = 0.84,
                Hello = new HelloMessage { Source = new SourceInfo { Kind = "video", Name = "dance.mp4" } },
            };
        }

        [Test]
        public void Connected()
        {
            Assert.AreEqual(
                "pose-bridge Connected  ws://127.0.0.1:8765/\n30.0 fps  latency 42 ms  ping 0.8 ms  video dance.mp4\nframe 1234  detected: yes",
                PoseStatusText.Live(Link(ClientStatus.Connected, "an old error"), 1234, true, null));
        }

        [Test]
        public void ReconnectingShowsTheLastErrorAndUnknownsAsDashes()
        {
            ClientSnapshot link = Link(ClientStatus.Reconnecting, "Connection refused");
            link.LatencyMs = double.NaN;
            link.RoundTripMs = double.NaN;
            link.Fps = 0;
            link.Hello = null;
            Assert.AreEqual(
                "pose-bridge Reconnecting  ws://127.0.0.1:8765/\nConnection refused\n0.0 fps  latency -  ping -  \nframe -1  detected: no",
                PoseStatusText.Live(link, -1, false, null));
        }

        [Test]
        public void EndedStreamAndHint()
        {
            ClientSnapshot link = Link(ClientStatus.Connected);
            link.End = new EndMessage { Reason = "eof", Frames = 300 };
            Assert.AreEqual(
                "pose-bridge Connected  ws://127.0.0.1:8765/\n30.0 fps  latency 42 ms  ping 0.8 ms  video dance.mp4 (ended: eof, 300 frames)\n" +
                "frame 299  detected: yes  (the server sends no image landmarks: change Coordinates)",
                PoseStatusText.Live(link, 299, true, "the server sends no image landmarks: change Coordinates"));
        }

        [TestCase("/data/clips/take1_world.txt", "take1_world.txt")]
        [TestCase("take2.txt", "take2.txt")]
        [TestCase(null, "")]
        public void Txt(string file, string shown)
        {
            Assert.AreEqual("pose-bridge txt: " + shown + "\nframe 7 of 120  detected: no", PoseStatusText.Txt(file, 7, 120, false));
        }

        [Test]
        public void ProblemAndIdle()
        {
            Assert.AreEqual("pose-bridge: no txt file set (Inspector: Txt File)", PoseStatusText.Problem("no txt file set (Inspector: Txt File)"));
            Assert.AreEqual("pose-bridge: idle", PoseStatusText.Idle);
        }

        [Test]
        public void NumbersUseTheInvariantCultureEverywhere()
        {
            System.Globalization.CultureInfo saved = System.Threading.Thread.CurrentThread.CurrentCulture;
            try
            {
                System.Threading.Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
                StringAssert.Contains("30.0 fps  latency 42 ms  ping 0.8 ms", PoseStatusText.Live(Link(ClientStatus.Connected), 1, true, null));
            }
            finally
            {
                System.Threading.Thread.CurrentThread.CurrentCulture = saved;
            }
        }
    }
}

namespace PoseBridge.Tests
{
    /// <summary>The several-people view pool (<see cref="PersonPool{T}"/>): who keeps, gives back and reuses views.</summary>
    [TestFixture]
    public sealed class PersonPoolTests
    {
        sealed class View
        {
            public readonly string Name;
            public bool Hidden;
            public View(string name) { Name = name; }
        }

        static System.Collections.Generic.List<PersonMessage> Frame(params long[] ids)
        {
            var people = new System.Collections.Generic.List<PersonMessage>();
            foreach (long id in ids)
                people.Add(new PersonMessage { Id = id });
            return people;
        }

        static readonly Action<View> _hide = v => v.Hidden = true;

        /// <summary>What a frame does: retire, then a view for everyone but the primary; returns "id:view(+)" with + for reused.</summary>
        static string Show(PersonPool<View> pool, System.Collections.Generic.List<PersonMessage> people, ref int made)
        {
            pool.Retire(people, _hide);
            var shown = new System.Collections.Generic.List<string>();
            for (int k = 1; k < people.Count; k++)
            {
                bool reused;
                View v = pool.Take(people[k].Id, out reused);
                if (v == null)
                {
                    v = new View("v" + made++);
                    pool.Add(people[k].Id, v);
                }
                v.Hidden = false;
                shown.Add(people[k].Id + ":" + v.Name + (reused ? "+" : ""));
            }
            return string.Join(" ", shown.ToArray());
        }

        [Test]
        public void PeopleComeGoAndSwapThePrimaryRole()
        {
            var pool = new PersonPool<View>();
            int made = 0;
            Assert.AreEqual("2:v0 3:v1", Show(pool, Frame(1, 2, 3), ref made));
            Assert.AreEqual("2:v0 3:v1", Show(pool, Frame(1, 2, 3), ref made), "the same people keep their views");
            Assert.AreEqual("3:v1 4:v0+", Show(pool, Frame(1, 3, 4), ref made), "4 reuses the view 2 left");
            Assert.AreEqual(2, pool.Active);
            Assert.AreEqual(0, pool.Spare);
            Assert.AreEqual("1:v0+", Show(pool, Frame(3, 1), ref made),
                "3 became primary and 4 left: their views are given back in the order they got them (v1, v0); 1 is " +
                "not primary any more and takes the last one given back");
            Assert.AreEqual(1, pool.Active);
            Assert.AreEqual(1, pool.Spare);
            Assert.AreEqual("", Show(pool, Frame(), ref made), "nobody: every view is given back");
            Assert.AreEqual(0, pool.Active);
            Assert.AreEqual(2, pool.Spare);
            Assert.AreEqual(2, made, "two views for at most two other people at once");
            Assert.AreEqual("5:v0+ 6:v1+", Show(pool, Frame(9, 5, 6), ref made), "most recently given back first");
        }

        [Test]
        public void RetiredViewsAreHiddenAndDrainGivesEachViewOnce()
        {
            var pool = new PersonPool<View>();
            int made = 0;
            Show(pool, Frame(1, 2, 3), ref made);
            pool.Retire(null, _hide);
            System.Collections.Generic.List<View> all = pool.Drain();
            Assert.AreEqual(2, all.Count);
            Assert.IsTrue(all[0].Hidden && all[1].Hidden);
            Assert.AreNotSame(all[0], all[1]);
            Assert.AreEqual(0, pool.Active + pool.Spare);
            bool reused;
            Assert.IsNull(pool.Take(2, out reused), "drained: nothing to reuse");
            Assert.IsFalse(reused);
        }

        [Test]
        public void GetFindsOnlyAPersonsOwnView()
        {
            var pool = new PersonPool<View>();
            int made = 0;
            Show(pool, Frame(1, 2, 3), ref made);
            Assert.AreEqual("v0", pool.Get(2).Name);
            Assert.AreEqual("v1", pool.Get(3).Name);
            Assert.IsNull(pool.Get(1), "the primary person has no pooled view");
            Show(pool, Frame(1, 3), ref made);
            Assert.IsNull(pool.Get(2), "2 left: their view is spare, not theirs");
            Assert.AreEqual(1, pool.Spare, "Get hands out no spare view");
            Assert.IsNull(pool.Get(9));
        }

        [Test]
        public void AddRefusesASecondViewAndNull()
        {
            var pool = new PersonPool<View>();
            pool.Add(7, new View("a"));
            Assert.Throws<ArgumentException>(() => pool.Add(7, new View("b")));
            Assert.Throws<ArgumentNullException>(() => pool.Add(8, null));
            pool.Retire(Frame(1, 7), null); // a null callback is fine
            Assert.AreEqual(1, pool.Active);
        }
    }
}
