using System;
using System.Collections.Generic;

namespace PoseBridge
{
    /// <summary>
    /// One <see cref="PoseClient"/> shared by several consumers (a skeleton, an avatar, a script), each with a
    /// <see cref="PoseFeed"/> of its own: the client connects when the first feed opens and is disposed (socket
    /// closed, thread joined) when the last one closes.
    /// </summary>
    /// <remarks>
    /// Every feed keeps its own newest frame, so consumers never take frames from each other (the client's own
    /// <see cref="PoseClient.Frames"/> slot would hand each frame to whoever takes it first). Open and close
    /// feeds on one thread (Unity's main thread); frames arrive on the client's thread. <see cref="Dispose"/>
    /// closes every feed at once, whoever holds them (what a connection component does when it is disabled or
    /// Play mode ends). Unlike a registry of clients that live for the whole process, nothing here outlives
    /// its last user.
    /// </remarks>
    public sealed class SharedPoseClient : IDisposable
    {
        readonly PoseClientOptions _options;
        readonly List<PoseFeed> _feeds = new List<PoseFeed>();
        PoseClient _client;
        bool _disposed;

        /// <summary>Nothing connects yet: the first <see cref="Open"/> does. Throws for null options.</summary>
        public SharedPoseClient(PoseClientOptions options)
        {
            if (options == null)
                throw new ArgumentNullException("options");
            _options = options;
        }

        public PoseClientOptions Options { get { return _options; } }

        /// <summary>The running client; null while no feed is open (and after <see cref="Dispose"/>).</summary>
        public PoseClient Client { get { return _client; } }

        /// <summary>How many feeds are open.</summary>
        public int Users { get { return _feeds.Count; } }

        public bool IsDisposed { get { return _disposed; } }

        /// <summary>
        /// A new feed; the first one creates and starts the client. Throws what the <see cref="PoseClient"/>
        /// constructor throws for bad options (an <see cref="ArgumentException"/> for a URL that is not ws:// or
        /// wss://; nothing is left open then), and <see cref="ObjectDisposedException"/> after
        /// <see cref="Dispose"/>.
        /// </summary>
        public PoseFeed Open()
        {
            if (_disposed)
                throw new ObjectDisposedException("SharedPoseClient");
            if (_client == null)
            {
                var client = new PoseClient(_options);
                client.Start();
                _client = client;
            }
            var feed = new PoseFeed(this, _client);
            _feeds.Add(feed);
            return feed;
        }

        internal void Close(PoseFeed feed)
        {
            if (!_feeds.Remove(feed) || _feeds.Count > 0 || _client == null)
                return;
            PoseClient client = _client;
            _client = null;
            client.Dispose(); // closes the socket and joins the thread
        }

        /// <summary>Close every feed and dispose the client now. Idempotent.</summary>
        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            foreach (PoseFeed feed in _feeds.ToArray())
                feed.Dispose();
            if (_client != null)
            {
                _client.Dispose();
                _client = null;
            }
        }
    }

    /// <summary>
    /// One consumer's view of a <see cref="SharedPoseClient"/>: the newest frame since this consumer last
    /// took one (newest wins, nothing queues), and the client for its <c>hello</c>, status and controls.
    /// </summary>
    /// <remarks>
    /// A feed sees the frames that arrive after it opened. Dispose it when done (idempotent); the last feed
    /// to close disposes the client. After that, or after the shared client was disposed, the feed is closed:
    /// <see cref="IsOpen"/> is false, <see cref="Client"/> null and no frame is fresh — open a new one.
    /// </remarks>
    public sealed class PoseFeed : IDisposable
    {
        readonly SharedPoseClient _owner;
        readonly LatestSlot<FrameMessage> _frames = new LatestSlot<FrameMessage>();
        readonly Action<FrameMessage> _onFrame;
        PoseClient _client;

        internal PoseFeed(SharedPoseClient owner, PoseClient client)
        {
            _owner = owner;
            _client = client;
            _onFrame = _frames.Publish;
            client.FrameReceived += _onFrame;
        }

        /// <summary>The shared client while this feed is open, else null.</summary>
        public PoseClient Client { get { return _client; } }

        public bool IsOpen { get { return _client != null; } }

        /// <summary>The connection this feed belongs to.</summary>
        public SharedPoseClient Owner { get { return _owner; } }

        /// <summary>Frames that arrived for this feed and were replaced before it took them.</summary>
        public long Overwritten { get { return _frames.Overwritten; } }

        /// <summary>The newest frame and whether it is new since the last take (see <see cref="LatestSlot{T}.Take"/>).</summary>
        public FrameMessage Take(out bool fresh)
        {
            if (_client == null)
            {
                fresh = false;
                return null;
            }
            return _frames.Take(out fresh);
        }

        /// <summary>The newest frame if it is new since the last take; false when closed.</summary>
        public bool TryTakeFresh(out FrameMessage frame)
        {
            bool fresh;
            frame = Take(out fresh);
            if (!fresh)
                frame = null;
            return fresh;
        }

        /// <summary>Stop receiving; the last feed of a shared client disposes it. Idempotent.</summary>
        public void Dispose()
        {
            if (_client == null)
                return;
            _client.FrameReceived -= _onFrame;
            _client = null;
            _frames.Clear();
            _owner.Close(this);
        }
    }
}
