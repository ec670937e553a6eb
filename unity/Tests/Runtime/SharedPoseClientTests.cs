using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using NUnit.Framework;

namespace PoseBridge.Tests
{
    /// <summary>
    /// Sharing one connection (<see cref="SharedPoseClient"/>, <see cref="PoseFeed"/>): the first feed connects, the
    /// last one to close disposes the client, disposing the shared client closes every feed. Against a real local
    /// socket that accepts TCP but never answers the WebSocket handshake (the client stays in Connecting); frames
    /// from a real server are in <see cref="EndToEndTests"/>. And <see cref="FeedHolder"/>, a consumer's feed on a source that
    /// may change.
    /// </summary>
    [TestFixture]
    public sealed class SharedPoseClientTests
    {
        TcpListener _silent;
        PoseClientOptions _options;

        [SetUp]
        public void StartSilentListener()
        {
            _silent = new TcpListener(IPAddress.Loopback, 0);
            _silent.Start();
            int port = ((IPEndPoint)_silent.LocalEndpoint).Port;
            _options = new PoseClientOptions { Url = new Uri("ws://127.0.0.1:" + port + "/"), ConnectTimeout = TimeSpan.FromSeconds(30) };
        }

        [TearDown]
        public void StopSilentListener()
        {
            _silent.Stop();
        }

        [Test]
        public void NothingConnectsBeforeTheFirstFeed()
        {
            using (var shared = new SharedPoseClient(_options))
            {
                Assert.IsNull(shared.Client);
                Assert.AreEqual(0, shared.Users);
                Assert.AreSame(_options, shared.Options);
            }
        }

        [Test]
        public void TheFirstFeedConnectsAndTheLastOneToCloseDisposesTheClient()
        {
            using (var shared = new SharedPoseClient(_options))
            {
                PoseFeed a = shared.Open();
                PoseClient client = shared.Client;
                Assert.IsNotNull(client);
                Assert.AreEqual(ClientStatus.Connecting, client.Status, "started by the first feed");
                PoseFeed b = shared.Open();
                Assert.AreSame(client, shared.Client, "one client for every feed");
                Assert.AreSame(client, a.Client);
                Assert.AreSame(client, b.Client);
                Assert.AreSame(shared, b.Owner);
                Assert.AreEqual(2, shared.Users);

                a.Dispose();
                Assert.IsFalse(a.IsOpen);
                Assert.IsNull(a.Client);
                Assert.IsTrue(b.IsOpen);
                Assert.AreEqual(1, shared.Users);
                Assert.AreNotEqual(ClientStatus.Stopped, client.Status, "still used by b");
                a.Dispose(); // idempotent: does not close b's share
                Assert.AreEqual(1, shared.Users);
                Assert.AreNotEqual(ClientStatus.Stopped, client.Status);

                var stopwatch = Stopwatch.StartNew();
                b.Dispose();
                Assert.That(stopwatch.Elapsed.TotalSeconds, Is.LessThan(2.0), "the thread is joined while connecting");
                Assert.AreEqual(ClientStatus.Stopped, client.Status, "the last feed disposed the client");
                Assert.IsNull(shared.Client);
                Assert.AreEqual(0, shared.Users);

                PoseFeed again = shared.Open();
                Assert.IsNotNull(shared.Client);
                Assert.AreNotSame(client, shared.Client, "a new client after the last one closed");
                again.Dispose();
            }
        }

        [Test]
        public void DisposingTheSharedClientClosesEveryFeed()
        {
            var shared = new SharedPoseClient(_options);
            PoseFeed a = shared.Open();
            PoseFeed b = shared.Open();
            PoseClient client = shared.Client;
            shared.Dispose();
            Assert.IsTrue(shared.IsDisposed);
            Assert.AreEqual(ClientStatus.Stopped, client.Status);
            Assert.IsFalse(a.IsOpen);
            Assert.IsFalse(b.IsOpen);
            FrameMessage frame;
            Assert.IsFalse(a.TryTakeFresh(out frame));
            Assert.IsNull(frame);
            bool fresh;
            Assert.IsNull(b.Take(out fresh));
            Assert.IsFalse(fresh);
            b.Dispose(); // closing after the owner: nothing happens
            shared.Dispose(); // idempotent
            Assert.Throws<ObjectDisposedException>(() => shared.Open());
        }

        [Test]
        public void ABadUrlFailsOnOpenAndLeavesNothingOpen()
        {
            using (var shared = new SharedPoseClient(new PoseClientOptions { Url = new Uri("http://127.0.0.1:8765/") }))
            {
                Assert.Throws<ArgumentException>(() => shared.Open());
                Assert.AreEqual(0, shared.Users);
                Assert.IsNull(shared.Client);
            }
            Assert.Throws<ArgumentNullException>(() => new SharedPoseClient(null));
        }

        static readonly Func<SharedPoseClient, PoseFeed> OpenShared = s => s.Open();

        [Test]
        public void AHolderKeepsItsFeedWhileTheSourceStaysAndIsOpen()
        {
            using (var holder = new FeedHolder())
            using (var shared = new SharedPoseClient(_options))
            {
                int opened = 0;
                Func<SharedPoseClient, PoseFeed> open = s => { opened++; return s.Open(); };
                PoseFeed feed = holder.Follow(shared, open);
                Assert.IsNotNull(feed);
                Assert.IsTrue(feed.IsOpen);
                Assert.AreSame(feed, holder.Feed);
                Assert.AreSame(shared, holder.Source);
                Assert.AreSame(feed, holder.Follow(shared, open), "the same source: the same feed");
                Assert.AreEqual(1, opened);
                Assert.AreEqual(1, shared.Users);
            }
        }

        [Test]
        public void AHolderReopensForAnotherSourceOrAClosedFeedAndClosesForNone()
        {
            var other = new TcpListener(IPAddress.Loopback, 0);
            other.Start();
            int port = ((IPEndPoint)other.LocalEndpoint).Port;
            var otherOptions = new PoseClientOptions { Url = new Uri("ws://127.0.0.1:" + port + "/"), ConnectTimeout = TimeSpan.FromSeconds(30) };
            try
            {
                using (var holder = new FeedHolder())
                using (var a = new SharedPoseClient(_options))
                using (var b = new SharedPoseClient(otherOptions))
                {
                    PoseFeed first = holder.Follow(a, OpenShared);
                    PoseFeed second = holder.Follow(b, OpenShared);
                    Assert.AreNotSame(first, second);
                    Assert.IsFalse(first.IsOpen, "the feed of the old source is closed");
                    Assert.AreEqual(0, a.Users);
                    Assert.IsNull(a.Client, "so the old connection, its last user gone, is closed too");
                    Assert.AreEqual(1, b.Users);
                    Assert.AreSame(b, holder.Source);

                    // the connection closed under it (a PoseConnection disabled and enabled again): a new feed
                    second.Dispose();
                    PoseFeed third = holder.Follow(b, OpenShared);
                    Assert.AreNotSame(second, third);
                    Assert.IsTrue(third.IsOpen);
                    Assert.AreEqual(1, b.Users);

                    Assert.IsNull(holder.Follow<SharedPoseClient>(null, OpenShared), "no source: no feed");
                    Assert.IsFalse(third.IsOpen);
                    Assert.IsNull(holder.Feed);
                    Assert.IsNull(holder.Source);
                    Assert.IsNull(b.Client, "the holder's was the last feed");
                }
            }
            finally
            {
                other.Stop();
            }
        }

        [Test]
        public void AHolderTriesAgainWhenTheSourceGivesNoFeed()
        {
            using (var holder = new FeedHolder())
            using (var shared = new SharedPoseClient(_options))
            {
                bool available = false; // a disabled connection component gives no feed
                Func<SharedPoseClient, PoseFeed> open = s => available ? s.Open() : null;
                Assert.IsNull(holder.Follow(shared, open));
                Assert.IsNull(holder.Source, "nothing held");
                Assert.AreEqual(0, shared.Users);
                available = true;
                PoseFeed feed = holder.Follow(shared, open);
                Assert.IsNotNull(feed, "tried again on the next call");
                holder.Dispose();
                Assert.IsFalse(feed.IsOpen);
                Assert.IsNull(shared.Client);
                holder.Dispose(); // idempotent
                Assert.Throws<ArgumentNullException>(() => holder.Follow(shared, null));
            }
        }
    }
}
