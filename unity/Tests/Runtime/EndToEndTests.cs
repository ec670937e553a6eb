using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using NUnit.Framework;

namespace PoseBridge.Tests
{
    /// <summary>
    /// The C# client against the real Python server (<c>python -m bridge serve</c>, started as a
    /// subprocess): frames equal to what a Python client received from the same server, real BlazePose
    /// on a video, replay of a txt recording equal to the C# txt reader, replay controls, reconnect.
    /// </summary>
    /// <remarks>
    /// These tests wait for a Python server (up to a minute or more on a slow machine while MediaPipe loads)
    /// and block the thread that runs them: in Unity's Test Runner that is the Editor's main thread. So they
    /// run in CI (tests/csharp/run.sh) and, in the Editor, only when POSE_BRIDGE_END_TO_END=1 is set.
    /// The interpreter is POSE_BRIDGE_PYTHON, else the first of python3/python (python/py on Windows) on PATH.
    /// </remarks>
    [TestFixture]
    [Category("EndToEnd")]
    public sealed class EndToEndTests
    {
        [SetUp]
        public void OnlyWhereBlockingIsFine()
        {
            if (!TestEnv.InCi && Environment.GetEnvironmentVariable("POSE_BRIDGE_END_TO_END") != "1")
                Assert.Ignore("end-to-end tests start a Python server and block this thread while they wait: " +
                              "set POSE_BRIDGE_END_TO_END=1 to run them here");
        }

        static string _python;

        static string Python
        {
            get
            {
                if (_python != null)
                    return _python;
                string p = Environment.GetEnvironmentVariable("POSE_BRIDGE_PYTHON");
                if (!string.IsNullOrEmpty(p))
                    return _python = p;
                bool windows = Environment.OSVersion.Platform == PlatformID.Win32NT;
                foreach (string name in windows ? new[] { "python.exe", "py.exe", "python3.exe" } : new[] { "python3", "python" })
                    if (OnPath(name))
                        return _python = name;
                TestEnv.Unavailable("no Python interpreter on PATH: set POSE_BRIDGE_PYTHON to the one pose-bridge is installed in");
                return null;
            }
        }

        static bool OnPath(string file)
        {
            string path = Environment.GetEnvironmentVariable("PATH") ?? "";
            foreach (string dir in path.Split(Path.PathSeparator))
            {
                try
                {
                    if (dir.Length > 0 && File.Exists(Path.Combine(dir.Trim('"'), file)))
                        return true;
                }
                catch (ArgumentException)
                {
                    // a malformed PATH entry
                }
            }
            return false;
        }

        static string Root
        {
            get
            {
                string root = TestEnv.Root;
                if (root == null || !File.Exists(Path.Combine(root, Path.Combine("bridge", "protocol.py"))))
                    TestEnv.Unavailable("the pose-bridge repository (with bridge/) is needed: set POSE_BRIDGE_ROOT");
                return root;
            }
        }

        static string Quote(string arg)
        {
            return "\"" + arg.Replace("\"", "\\\"") + "\"";
        }

        /// <summary>A <c>pose-bridge serve</c> subprocess; the port comes from its "ws://127.0.0.1:PORT/" log line.</summary>
        sealed class ServerProcess : IDisposable
        {
            static readonly Regex Listening = new Regex(@"ws://127\.0\.0\.1:(\d+)/");
            readonly Process _process;
            readonly StringBuilder _log = new StringBuilder();
            readonly ManualResetEvent _ready = new ManualResetEvent(false);
            int _port;

            public ServerProcess(string arguments, int port = 0) : this("-m bridge serve " + arguments + " --port " + port, true)
            {
            }

            /// <summary>Any Python command line that logs "ws://127.0.0.1:PORT/" once it listens.</summary>
            public ServerProcess(string pythonArguments, bool commandLine)
            {
                string arguments = pythonArguments;
                var info = new ProcessStartInfo(Python, pythonArguments)
                {
                    WorkingDirectory = Root,
                    UseShellExecute = false,
                    RedirectStandardError = true,
                    RedirectStandardOutput = true,
                    CreateNoWindow = true,
                };
                _process = new Process { StartInfo = info };
                _process.ErrorDataReceived += OnLine;
                _process.OutputDataReceived += OnLine;
                _process.Start();
                _process.BeginErrorReadLine();
                _process.BeginOutputReadLine();
                DateTime deadline = DateTime.UtcNow + TestEnv.Timeout(90);
                while (!_ready.WaitOne(100))
                {
                    if (_process.HasExited || DateTime.UtcNow > deadline)
                    {
                        string why = _process.HasExited ? "exited with " + _process.ExitCode : "did not start listening in time";
                        Dispose();
                        Assert.Fail(Python + " " + arguments + " " + why + ":\n" + Log);
                    }
                }
            }

            void OnLine(object sender, DataReceivedEventArgs e)
            {
                if (e.Data == null)
                    return;
                lock (_log)
                    _log.AppendLine(e.Data);
                Match m = Listening.Match(e.Data);
                if (m.Success && _port == 0)
                {
                    _port = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                    _ready.Set();
                }
            }

            public int Port { get { return _port; } }
            public string Url { get { return "ws://127.0.0.1:" + _port + "/"; } }
            public string Log { get { lock (_log) return _log.ToString(); } }

            /// <summary>Kill the server like a crash would (SIGKILL).</summary>
            public void Dispose()
            {
                try
                {
                    if (!_process.HasExited)
                        _process.Kill();
                    _process.WaitForExit(10000);
                }
                catch (InvalidOperationException)
                {
                    // already gone
                }
            }
        }

        /// <summary>tests/csharp/reference_client.py: the Python codec's view of the same stream, as JSON lines.</summary>
        static Process StartReferenceClient(string url, int count, string outFile, string format)
        {
            string script = Path.Combine(Root, Path.Combine("tests", Path.Combine("csharp", "reference_client.py")));
            var info = new ProcessStartInfo(Python, Quote(script) + " " + url + " " + count + " " + Quote(outFile) + " --format " + format)
            {
                WorkingDirectory = Root,
                UseShellExecute = false,
                RedirectStandardError = true,
                CreateNoWindow = true,
            };
            return Process.Start(info);
        }

        static void WaitForExitOk(Process process, string what)
        {
            Check(process.WaitForExit((int)TestEnv.Timeout(120).TotalMilliseconds), what + " did not finish");
            string err = process.StandardError.ReadToEnd();
            Assert.AreEqual(0, process.ExitCode, what + " failed: " + err);
        }

        static void Check(bool ok, string message)
        {
            if (!ok)
                Assert.Fail(message);
        }

        static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
        {
            DateTime deadline = DateTime.UtcNow + timeout;
            while (!condition())
            {
                if (DateTime.UtcNow > deadline)
                    return false;
                Thread.Sleep(20);
            }
            return true;
        }

        sealed class Collector
        {
            public readonly List<FrameMessage> Frames = new List<FrameMessage>();
            public readonly List<Message> Messages = new List<Message>();

            public void Attach(PoseClient client)
            {
                client.FrameReceived += f => { lock (Frames) Frames.Add(f); };
                client.MessageReceived += m => { lock (Messages) Messages.Add(m); };
            }

            public int Count { get { lock (Frames) return Frames.Count; } }

            public List<FrameMessage> Snapshot() { lock (Frames) return new List<FrameMessage>(Frames); }
        }

        static PoseClient NewClient(string url, WireFormat format)
        {
            return new PoseClient(new PoseClientOptions
            {
                Url = new Uri(url),
                Format = format,
                MinBackoff = TimeSpan.FromMilliseconds(100),
                MaxBackoff = TimeSpan.FromSeconds(1),
                ReceiveTimeout = TestEnv.Timeout(10),
            });
        }

        static string Key(long seq, ulong capturedNs)
        {
            return seq + "@" + capturedNs;
        }

        /// <summary>Compare the C# client's frames with the reference client's file: every common frame equal, at least <paramref name="minimum"/> of them.</summary>
        static int CompareWithReference(List<FrameMessage> frames, string referenceFile, int minimum)
        {
            var reference = new Dictionary<string, Dictionary<string, object>>();
            foreach (string line in File.ReadAllLines(referenceFile))
            {
                var row = (Dictionary<string, object>)JsonReader.Read(line);
                reference[Key(Convert.ToInt64(row["seq"]), Convert.ToUInt64(row["captured_ns"]))] = row;
            }
            int matched = 0;
            long lastSeq = -1;
            ulong lastCaptured = 0;
            foreach (FrameMessage f in frames)
            {
                Assert.IsTrue(f.CapturedNs > lastCaptured || f.Seq > lastSeq, "frames arrive in order");
                lastSeq = f.Seq;
                lastCaptured = f.CapturedNs;
                Dictionary<string, object> row;
                if (!reference.TryGetValue(Key(f.Seq, f.CapturedNs), out row))
                    continue;
                var mine = MessageTree.ToTree(f);
                foreach (string field in new[] { "t", "image", "world", "humanoid", "people" })
                {
                    if ((field == "humanoid" || field == "people") && !row.ContainsKey(field) && !mine.ContainsKey(field))
                        continue;
                    Assert.IsTrue(row.ContainsKey(field) && mine.ContainsKey(field), "frame " + f.Seq + ": " + field + " in one client only");
                    string diff = MessageTree.Difference(row[field], mine[field], "frame " + f.Seq + "." + field);
                    Assert.IsNull(diff, diff);
                }
                matched++;
            }
            Assert.That(matched, Is.GreaterThanOrEqualTo(minimum),
                "frames received by both clients (C#: " + frames.Count + ", Python: " + reference.Count + ")");
            return matched;
        }

        [Test]
        public void AvatarStreamEqualsWhatThePythonClientReceivedAndDrivesARig()
        {
            string refFile = Path.GetTempFileName();
            using (var server = new ServerProcess("demo --avatar --wait-clients 2"))
            {
                Process reference = StartReferenceClient(server.Url, 60, refFile, "msgpack");
                var collector = new Collector();
                using (PoseClient client = NewClient(server.Url, WireFormat.Json))
                {
                    collector.Attach(client);
                    client.Start();
                    WaitForExitOk(reference, "the Python reference client");
                    Assert.IsTrue(WaitUntil(() => collector.Count >= 60, TestEnv.Timeout(30)),
                        "C# client got " + collector.Count + " frames; " + client.LastError + "\n" + server.Log);
                    Assert.AreEqual(0, client.BadMessages);
                    Assert.AreEqual(21, client.Hello.HumanoidBones.Length);
                    // every frame's pose drives a T-pose rig whose bones point where the stream's point
                    var rig = new List<RigBone>();
                    foreach (HumanoidBone bone in HumanoidSkeleton.Driven)
                        rig.Add(new RigBone(bone, System.Numerics.Vector3.Zero, System.Numerics.Quaternion.Identity));
                    var retargeter = new HumanoidRetargeter(rig);
                    foreach (FrameMessage f in collector.Snapshot())
                    {
                        HumanoidPose pose = HumanoidPose.FromFrame(f, client.Hello);
                        Assert.IsNotNull(pose, "frame " + f.Seq + " has no humanoid");
                        retargeter.Solve(pose, new RetargetOptions());
                        var expected = pose.World(HumanoidBone.RightLowerArm);
                        Assert.Greater(Math.Abs(System.Numerics.Quaternion.Dot(expected, retargeter.Target(HumanoidBone.RightLowerArm))), 0.99999f);
                    }
                }
                int matched = CompareWithReference(collector.Snapshot(), refFile, 40);
                Console.WriteLine("avatar: " + matched + " frames with equal humanoid poses in C# (JSON) and Python (msgpack)");
            }
            File.Delete(refFile);
        }

        [Test]
        public void DemoStreamEqualsWhatThePythonClientReceived()
        {
            string refFile = Path.GetTempFileName();
            using (var server = new ServerProcess("demo --wait-clients 2"))
            {
                Process reference = StartReferenceClient(server.Url, 150, refFile, "json");
                var collector = new Collector();
                using (PoseClient client = NewClient(server.Url, WireFormat.MsgPack))
                {
                    collector.Attach(client);
                    client.Start();
                    WaitForExitOk(reference, "the Python reference client");
                    Assert.IsTrue(WaitUntil(() => collector.Count >= 150, TestEnv.Timeout(30)),
                        "C# client got " + collector.Count + " frames; status " + client.Status + " " + client.LastError + "\n" + server.Log);
                    Assert.IsTrue(WaitUntil(() => !double.IsNaN(client.RoundTripMs), TestEnv.Timeout(5)), "no pong for the pings");
                    Assert.AreEqual(0, client.BadMessages);
                    Assert.IsNotNull(client.Hello);
                    Assert.AreEqual("demo", client.Hello.Source.Kind);
                    Assert.AreEqual(33, client.Hello.Landmarks.Length);
                    Assert.That(client.Fps, Is.GreaterThan(5.0));
                    Assert.That(client.LatencyMs, Is.LessThan(5000.0));
                    bool fresh;
                    Assert.IsNotNull(client.Frames.Take(out fresh), "the newest frame waits in the slot");
                }
                int matched = CompareWithReference(collector.Snapshot(), refFile, 100);
                Console.WriteLine("demo: " + matched + " frames equal in C# (msgpack) and Python (JSON)");
            }
            File.Delete(refFile);
        }

        [Test]
        public void BlazePoseVideoStreamEqualsWhatThePythonClientReceived()
        {
            string video = TestEnv.EnvFile("POSE_BRIDGE_TEST_VIDEO");
            string refFile = Path.GetTempFileName();
            using (var server = new ServerProcess(Quote(video) + " --wait-clients 2"))
            {
                Process reference = StartReferenceClient(server.Url, 100000, refFile, "msgpack");
                var collector = new Collector();
                using (PoseClient client = NewClient(server.Url, WireFormat.Json))
                {
                    collector.Attach(client);
                    client.Start();
                    WaitForExitOk(reference, "the Python reference client");
                    Assert.IsTrue(WaitUntil(() => client.End != null, TestEnv.Timeout(60)),
                        "no end message; C# got " + collector.Count + " frames; " + client.LastError + "\n" + server.Log);
                    Assert.AreEqual("video", client.Hello.Source.Kind);
                }
                List<FrameMessage> frames = collector.Snapshot();
                int matched = CompareWithReference(frames, refFile, 100);
                int detected = frames.FindAll(f => f.World != null && f.Image != null).Count;
                Assert.That(detected, Is.GreaterThan(frames.Count * 9 / 10), "BlazePose finds the person in most frames");
                Console.WriteLine("video: " + matched + " frames equal in C# (JSON) and Python (msgpack), " + detected + " detected");
            }
            File.Delete(refFile);
        }

        [Test]
        public void SeveralPeopleReachCSharpAsThePythonClientSeesThem()
        {
            // serve --max-people 4 on a video of two real people (basketball2): every frame carries both, with ids,
            // landmarks and root positions equal to what the Python client decodes; the ids stay 1 and 2.
            string video = TestEnv.EnvFile("POSE_BRIDGE_TEST_PEOPLE_VIDEO");
            string refFile = Path.GetTempFileName();
            using (var server = new ServerProcess(Quote(video) + " --max-people 4 --wait-clients 2"))
            {
                Process reference = StartReferenceClient(server.Url, 100000, refFile, "json");
                var collector = new Collector();
                using (PoseClient client = NewClient(server.Url, WireFormat.MsgPack))
                {
                    collector.Attach(client);
                    client.Start();
                    WaitForExitOk(reference, "the Python reference client");
                    Assert.IsTrue(WaitUntil(() => client.End != null, TestEnv.Timeout(60)),
                        "no end message; C# got " + collector.Count + " frames; " + client.LastError + "\n" + server.Log);
                    Assert.AreEqual(4, client.Hello.MaxPeople);
                }
                List<FrameMessage> frames = collector.Snapshot();
                int matched = CompareWithReference(frames, refFile, 20);
                int both = 0;
                foreach (FrameMessage f in frames)
                {
                    if (f.People == null || f.People.Count != 2)
                        continue;
                    both++;
                    Assert.AreEqual(1, f.People[0].Id, "frame " + f.Seq);
                    Assert.AreEqual(2, f.People[1].Id, "frame " + f.Seq);
                    Assert.IsNotNull(f.People[0].Root);
                    CollectionAssert.AreEqual(f.People[0].World, f.World, "the primary person is at the top level");
                    Vec3 apart = People.RootOffset(f.People[1], f.People[0], AxisMapping.Standard);
                    Assert.That(apart.X, Is.GreaterThan(0.5), "person 2 stands to the right of person 1 (Unity x)");
                }
                Assert.That(both, Is.GreaterThan(frames.Count * 9 / 10), "both people in most frames");
                Console.WriteLine("people: " + matched + " frames equal in C# (msgpack) and Python (JSON), " + both + " with both");
            }
            File.Delete(refFile);
        }

        [Test]
        public void TxtReplayFromTheServerEqualsTheCSharpReader()
        {
            string txt = TestEnv.EnvFile("POSE_BRIDGE_TEST_TXT");
            TxtRecording rec = TxtRecording.Load(txt);
            using (var server = new ServerProcess(Quote(txt) + " --wait-clients 1 --speed 4"))
            {
                var collector = new Collector();
                using (PoseClient client = NewClient(server.Url, WireFormat.MsgPack))
                {
                    collector.Attach(client);
                    client.Start();
                    Assert.IsTrue(WaitUntil(() => client.End != null, TestEnv.Timeout(60)),
                        "no end message; got " + collector.Count + " frames; " + client.LastError + "\n" + server.Log);
                    Assert.AreEqual("recording", client.Hello.Source.Kind);
                }
                List<FrameMessage> frames = collector.Snapshot();
                Assert.That(frames.Count, Is.GreaterThanOrEqualTo(100));
                foreach (FrameMessage f in frames)
                {
                    TxtFrame tf = rec.Frames[(int)f.Seq];
                    Assert.AreEqual(tf.Detected, f.World != null, "frame " + f.Seq);
                    if (f.World == null)
                        continue;
                    float[] mine = rec.ToBlock(tf);
                    for (int i = 0; i < Protocol.BlockLength; i++)
                        Assert.AreEqual(mine[i], f.World[i], "frame " + f.Seq + " value " + i);
                }
                Console.WriteLine("txt replay: " + frames.Count + " of " + rec.Frames.Count + " frames equal to the C# reader");
            }
        }

        [TestCase(WireFormat.MsgPack)]
        [TestCase(WireFormat.Json)]
        public void ReplayControlsChangeTheServersState(WireFormat format)
        {
            string txt = TestEnv.EnvFile("POSE_BRIDGE_TEST_TXT");
            using (var server = new ServerProcess(Quote(txt) + " --loop"))
            using (PoseClient client = NewClient(server.Url, format))
            {
                client.Start();
                Assert.IsTrue(WaitUntil(() => client.Hello != null && client.State != null, TestEnv.Timeout(20)), client.LastError);
                Assert.IsTrue(client.Hello.Source.Replay);
                client.Send(ControlMessage.Pause());
                Assert.IsTrue(WaitUntil(() => client.State.Paused, TestEnv.Timeout(10)), "pause");
                client.Send(ControlMessage.Seek(50));
                Assert.IsTrue(WaitUntil(() => client.State.Position == 50, TestEnv.Timeout(10)), "seek: position " + client.State.Position);
                client.Send(ControlMessage.SetSpeed(null));
                Assert.IsTrue(WaitUntil(() => !client.State.Speed.HasValue, TestEnv.Timeout(10)), "speed max");
                client.Send(ControlMessage.SetSpeed(2.0));
                Assert.IsTrue(WaitUntil(() => client.State.Speed == 2.0, TestEnv.Timeout(10)), "speed 2");
                long before = client.FramesReceived;
                client.Send(ControlMessage.Resume());
                Assert.IsTrue(WaitUntil(() => !client.State.Paused && client.FramesReceived > before + 10, TestEnv.Timeout(10)), "resume");
                Assert.AreEqual(0, client.BadMessages);
            }
        }

        [Test]
        public void ReconnectsAfterTheServerRestartsOnTheSamePort()
        {
            var server = new ServerProcess("demo");
            int port = server.Port;
            using (PoseClient client = NewClient(server.Url, WireFormat.MsgPack))
            {
                try
                {
                    client.Start();
                    Assert.IsTrue(WaitUntil(() => client.FramesReceived >= 10, TestEnv.Timeout(20)), "first connection: " + client.LastError);
                    Assert.AreEqual(1, client.Connections);
                    server.Dispose(); // SIGKILL: the connection drops without a close handshake
                    Assert.IsTrue(WaitUntil(() => client.Status == ClientStatus.Reconnecting, TestEnv.Timeout(15)),
                        "the client noticed the server is gone (status " + client.Status + ")");
                    Thread.Sleep(1500); // a few failed attempts against a closed port
                    Assert.AreEqual(ClientStatus.Reconnecting, client.Status);
                    Assert.IsNotNull(client.LastError);
                    long before = client.FramesReceived;
                    server = new ServerProcess("demo", port);
                    Assert.IsTrue(WaitUntil(() => client.Connections == 2 && client.FramesReceived >= before + 10, TestEnv.Timeout(20)),
                        "reconnected: connections " + client.Connections + ", status " + client.Status + ", " + client.LastError);
                    Assert.AreEqual(ClientStatus.Connected, client.Status);
                    Assert.IsNotNull(client.Hello, "hello of the new connection");
                }
                finally
                {
                    server.Dispose();
                }
            }
        }

        [Test]
        public void OneSharedConnectionFeedsEveryConsumerEveryNewestFrame()
        {
            // What a PoseConnection shared by a skeleton and an avatar does: one socket, a newest-frame slot per feed.
            using (var server = new ServerProcess("demo"))
            using (var shared = new SharedPoseClient(new PoseClientOptions { Url = new Uri(server.Url), ReceiveTimeout = TestEnv.Timeout(10) }))
            {
                PoseFeed skeleton = shared.Open();
                PoseFeed avatar = shared.Open();
                PoseClient client = shared.Client;
                FrameMessage first = null, second = null;
                Assert.IsTrue(WaitUntil(() => client.FramesReceived >= 5, TestEnv.Timeout(20)), "no frames: " + client.LastError + "\n" + server.Log);
                Thread.Sleep(100); // a few more frames: both feeds hold one nobody took
                Assert.IsTrue(skeleton.TryTakeFresh(out first));
                // The skeleton took its frame; the avatar's slot still holds the newest one, at least as new.
                Assert.IsTrue(avatar.TryTakeFresh(out second), "taking from one feed left the other's frame fresh");
                Assert.That(skeleton.Overwritten, Is.GreaterThan(0), "frames nobody took were replaced, not queued");
                Assert.That(second.Seq, Is.GreaterThanOrEqualTo(first.Seq));
                Assert.IsFalse(avatar.TryTakeFresh(out second), "taken: stale until the next frame");
                Assert.IsTrue(WaitUntil(() => avatar.TryTakeFresh(out second), TestEnv.Timeout(10)));
                Assert.That(second.Seq, Is.GreaterThan(first.Seq), "newer frames keep coming to each feed");
                Assert.IsTrue(WaitUntil(() => client.FramesReceived >= 20, TestEnv.Timeout(20)));
                Assert.AreEqual(1, client.Connections, "one connection for both consumers");
                Assert.IsNotNull(skeleton.Client.Hello);

                skeleton.Dispose();
                long before = client.FramesReceived;
                Assert.IsTrue(WaitUntil(() => client.FramesReceived >= before + 5, TestEnv.Timeout(10)), "still receiving for the avatar");
                Assert.AreEqual(ClientStatus.Connected, client.Status);
                var stopwatch = Stopwatch.StartNew();
                avatar.Dispose();
                Assert.That(stopwatch.Elapsed.TotalSeconds, Is.LessThan(2.0), "the last feed closes the connection and joins the thread");
                Assert.AreEqual(ClientStatus.Stopped, client.Status);
                Assert.IsNull(shared.Client);
            }
        }

        [Test]
        public void DisposeJoinsTheThreadQuicklyInEveryState()
        {
            // Nothing listens on this port: the client is in its back-off loop.
            var stopwatch = Stopwatch.StartNew();
            var client = new PoseClient(new PoseClientOptions { Url = new Uri("ws://127.0.0.1:9/"), MinBackoff = TimeSpan.FromSeconds(30) });
            client.Start();
            Assert.IsTrue(WaitUntil(() => client.Status == ClientStatus.Reconnecting, TimeSpan.FromSeconds(10)));
            stopwatch.Restart();
            client.Dispose();
            Assert.That(stopwatch.Elapsed.TotalSeconds, Is.LessThan(2.0), "dispose during back-off");
            Assert.AreEqual(ClientStatus.Stopped, client.Status);
            Assert.IsNull(client.LastError == "the client thread did not stop within 3 s" ? "thread leaked" : null);

            // Connecting to a local port that takes the connection but never answers the WebSocket handshake
            // (a listener that never accepts: the system completes TCP, nobody sends the HTTP reply).
            var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            silent.Start();
            try
            {
                int port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
                var connecting = new PoseClient(new PoseClientOptions { Url = new Uri("ws://127.0.0.1:" + port + "/"), ConnectTimeout = TimeSpan.FromSeconds(30) });
                connecting.Start();
                Assert.IsTrue(WaitUntil(() => connecting.Status == ClientStatus.Connecting, TimeSpan.FromSeconds(5)));
                Thread.Sleep(300);
                Assert.AreEqual(ClientStatus.Connecting, connecting.Status, "still in the handshake");
                stopwatch.Restart();
                connecting.Dispose();
                Assert.That(stopwatch.Elapsed.TotalSeconds, Is.LessThan(2.0), "dispose while connecting");
                Assert.AreEqual(ClientStatus.Stopped, connecting.Status);
            }
            finally
            {
                silent.Stop();
            }

            using (var server = new ServerProcess("demo --wait-clients 5"))
            {
                // Connected, but the server sends no frames (it waits for 5 clients): blocked in receive.
                var connected = new PoseClient(server.Url);
                connected.Start();
                Assert.IsTrue(WaitUntil(() => connected.Status == ClientStatus.Connected, TestEnv.Timeout(10)), connected.LastError);
                stopwatch.Restart();
                connected.Dispose();
                Assert.That(stopwatch.Elapsed.TotalSeconds, Is.LessThan(2.0), "dispose while receiving");
                Assert.AreEqual(ClientStatus.Stopped, connected.Status);
            }
        }

        [Test]
        public void SkipsEveryMalformedMessageAndKeepsTheConnection()
        {
            // tests/csharp/scripted_peer.py sends every server-direction vector, valid and invalid, then "done".
            var doc = (Dictionary<string, object>)JsonReader.Read(File.ReadAllText(TestEnv.RepoFile("protocol/vectors/v1.json")));
            int invalid = 1, frames = 0, unknown = 0, total = 1;
            foreach (object o in (List<object>)doc["vectors"])
            {
                var v = (Dictionary<string, object>)o;
                if ((string)v["direction"] == "client")
                    continue;
                int encodings = (v["msgpack"] != null ? 1 : 0) + (v["json"] != null ? 1 : 0);
                total += encodings;
                if (!(bool)v["valid"])
                {
                    invalid += encodings;
                    continue;
                }
                string type = (string)((Dictionary<string, object>)v["value"])["type"];
                if (type == "frame")
                    frames += encodings;
                else if (type == "telemetry")
                    unknown += encodings;
            }
            string script = Path.Combine(Root, Path.Combine("tests", Path.Combine("csharp", "scripted_peer.py")));
            using (var peer = new ServerProcess(Quote(script), true))
            {
                var collector = new Collector();
                using (PoseClient client = NewClient(peer.Url, WireFormat.MsgPack))
                {
                    collector.Attach(client);
                    client.Start();
                    Assert.IsTrue(WaitUntil(() => client.BadMessages >= invalid, TestEnv.Timeout(20)),
                        "bad messages counted: " + client.BadMessages + " of " + invalid + "; " + client.LastError);
                    Thread.Sleep(200);
                    Assert.AreEqual(invalid, client.BadMessages);
                    Assert.AreEqual(1, client.Connections, "a bad message does not drop the connection");
                    Assert.AreEqual(ClientStatus.Connected, client.Status);
                    Assert.AreEqual(frames, client.FramesReceived);
                    lock (collector.Messages)
                    {
                        Assert.AreEqual(total - invalid, collector.Messages.Count);
                        Assert.AreEqual(unknown, collector.Messages.FindAll(m => m is UnknownMessage).Count);
                    }
                    StringAssert.StartsWith("bad message from the server: not valid JSON", client.LastError);
                }
            }
        }

        [Test]
        public void PresentsTheTokenOfAServerStartedWithToken()
        {
            using (var server = new ServerProcess("demo --token s3cret-for-unity"))
            {
                using (PoseClient without = NewClient(server.Url, WireFormat.MsgPack))
                {
                    without.Start();
                    // The server answers 401; mono's ClientWebSocket reports only "Unable to connect".
                    Assert.IsTrue(WaitUntil(() => without.LastError != null, TestEnv.Timeout(10)), "refused: " + without.Status);
                    Thread.Sleep(500);
                    Assert.AreEqual(ClientStatus.Reconnecting, without.Status);
                    Assert.AreEqual(0, without.Connections);
                    Assert.AreEqual(0, without.FramesReceived);
                    StringAssert.Contains("missing or wrong token", server.Log, "the server logged the refusal");
                }
                PoseClient with = new PoseClient(new PoseClientOptions
                {
                    Url = new Uri(server.Url),
                    Token = "s3cret-for-unity",
                    ReceiveTimeout = TestEnv.Timeout(10),
                });
                using (with)
                {
                    with.Start();
                    Assert.IsTrue(WaitUntil(() => with.FramesReceived >= 10, TestEnv.Timeout(20)),
                        "frames with the token: " + with.FramesReceived + ", " + with.LastError + "\n" + server.Log);
                    Assert.AreEqual(1, with.Connections);
                    Assert.AreEqual("demo", with.Hello.Source.Kind);
                }
                using (PoseClient inUrl = NewClient(server.Url + "?token=s3cret-for-unity", WireFormat.Json))
                {
                    inUrl.Start();
                    Assert.IsTrue(WaitUntil(() => inUrl.FramesReceived >= 10, TestEnv.Timeout(20)), "token in the URL: " + inUrl.LastError);
                }
            }
        }

        [Test]
        public void RejectsNonWebSocketUrls()
        {
            Assert.Throws<ArgumentException>(() => new PoseClient("http://127.0.0.1:8765/"));
        }
    }
}
