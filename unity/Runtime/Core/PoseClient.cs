using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;

namespace PoseBridge
{
    /// <summary>Connection state of a <see cref="PoseClient"/>.</summary>
    public enum ClientStatus
    {
        /// <summary>Not started, or disposed.</summary>
        Stopped,
        /// <summary>First connection attempt in progress.</summary>
        Connecting,
        /// <summary>Connected and receiving.</summary>
        Connected,
        /// <summary>The connection failed or was lost; retrying after a back-off delay.</summary>
        Reconnecting,
    }

    /// <summary>Settings of a <see cref="PoseClient"/>.</summary>
    public sealed class PoseClientOptions
    {
        /// <summary>Server URL, e.g. <c>ws://127.0.0.1:8765/</c>.</summary>
        public Uri Url = new Uri("ws://127.0.0.1:8765/");
        public WireFormat Format = WireFormat.MsgPack;
        /// <summary>
        /// The secret of a server started with <c>--token</c> (needed when it listens beyond its own machine),
        /// sent as <c>Authorization: Bearer TOKEN</c>. Null or empty: none. (<c>?token=TOKEN</c> in
        /// <see cref="Url"/> works too, but the URL may end up in logs and on screen.)
        /// </summary>
        public string Token;
        /// <summary>First reconnect delay; doubled after each failed attempt up to <see cref="MaxBackoff"/>.</summary>
        public TimeSpan MinBackoff = TimeSpan.FromMilliseconds(250);
        public TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
        public TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
        /// <summary>A connection that delivers nothing (not even a pong) for this long is dropped and reconnected.</summary>
        public TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(5);
        /// <summary>How often to ping the server (round-trip time and clock offset); zero disables pings.</summary>
        public TimeSpan PingInterval = TimeSpan.FromSeconds(1);
        /// <summary>Larger messages are a protocol error (a frame is about 1.5 kB).</summary>
        public int MaxMessageBytes = 1 << 20;
    }

    /// <summary>
    /// The protocol v1 WebSocket client: a background thread connects, receives and decodes, and
    /// reconnects with exponential back-off; the newest frame waits in a <see cref="LatestSlot{T}"/>
    /// for the main thread.
    /// </summary>
    /// <remarks>
    /// Thread model: one background thread owns the socket. The main thread reads <see cref="Frames"/>,
    /// <see cref="Hello"/>, <see cref="State"/> and the statistics, and queues control messages with
    /// <see cref="Send"/> (the background thread sends them). <see cref="MessageReceived"/> and
    /// <see cref="FrameReceived"/> are raised on the background thread for every message (keep handlers
    /// short and thread-safe). Every wait is bounded, so <see cref="Dispose"/> closes the socket and
    /// joins the thread within about a second: no thread outlives Play mode. A message that is not
    /// valid protocol v1 is counted in <see cref="BadMessages"/> and skipped; the connection stays.
    /// Not for WebGL builds: browsers do not offer <see cref="ClientWebSocket"/>.
    /// </remarks>
    public sealed class PoseClient : IDisposable
    {
        readonly PoseClientOptions _options;
        readonly LatestSlot<FrameMessage> _frames = new LatestSlot<FrameMessage>();
        readonly ConcurrentQueue<ControlMessage> _outbox = new ConcurrentQueue<ControlMessage>();
        readonly CancellationTokenSource _stop = new CancellationTokenSource();
        readonly object _socketLock = new object();
        readonly Stopwatch _clock = Stopwatch.StartNew();
        Thread _thread;
        ClientWebSocket _socket;
        volatile ClientStatus _status = ClientStatus.Stopped;
        volatile HelloMessage _hello;
        volatile StateMessage _state;
        volatile EndMessage _end;
        volatile string _lastError;
        long _framesReceived, _badMessages, _connections;
        double _fps, _rttMs = double.NaN, _clockOffsetNs, _latencyMs = double.NaN;
        readonly object _statsLock = new object();
        bool _disposed;

        /// <summary>Raised on the background thread for every decoded message.</summary>
        public event Action<Message> MessageReceived;
        /// <summary>Raised on the background thread for every frame (before it goes into <see cref="Frames"/>).</summary>
        public event Action<FrameMessage> FrameReceived;

        public PoseClient(PoseClientOptions options)
        {
            if (options == null)
                throw new ArgumentNullException("options");
            if (options.Url.Scheme != "ws" && options.Url.Scheme != "wss")
                throw new ArgumentException("the URL must start with ws:// or wss://, got " + options.Url, "options");
            _options = options;
        }

        public PoseClient(string url) : this(new PoseClientOptions { Url = new Uri(url) })
        {
        }

        public PoseClientOptions Options { get { return _options; } }
        public ClientStatus Status { get { return _status; } }
        /// <summary>The newest frame, newest wins (take it on the main thread).</summary>
        public LatestSlot<FrameMessage> Frames { get { return _frames; } }
        /// <summary>The <c>hello</c> of the current connection, or null before it arrived.</summary>
        public HelloMessage Hello { get { return _hello; } }
        /// <summary>The latest replay <c>state</c>, or null.</summary>
        public StateMessage State { get { return _state; } }
        /// <summary>The <c>end</c> message if the stream ended (the server then closes; the client reconnects).</summary>
        public EndMessage End { get { return _end; } }
        /// <summary>The last connection or protocol problem, for display; null when none.</summary>
        public string LastError { get { return _lastError; } }
        public long FramesReceived { get { return Interlocked.Read(ref _framesReceived); } }
        public long BadMessages { get { return Interlocked.Read(ref _badMessages); } }
        /// <summary>How many times a connection was established (1 after the first, 2 after a reconnect...).</summary>
        public long Connections { get { return Interlocked.Read(ref _connections); } }
        /// <summary>Frames received per second over the last second.</summary>
        public double Fps { get { lock (_statsLock) return _fps; } }
        /// <summary>Round-trip time of the last ping in milliseconds, NaN before the first pong.</summary>
        public double RoundTripMs { get { lock (_statsLock) return _rttMs; } }
        /// <summary>
        /// Capture-to-receive latency of the last frame in milliseconds (the server's <c>captured_ns</c> vs.
        /// this machine's clock, corrected by the clock offset measured with pings). NaN when unknown.
        /// </summary>
        public double LatencyMs { get { lock (_statsLock) return _latencyMs; } }

        /// <summary>Start the background thread. Idempotent.</summary>
        public void Start()
        {
            if (_disposed)
                throw new ObjectDisposedException("PoseClient");
            if (_thread != null)
                return;
            _status = ClientStatus.Connecting;
            _thread = new Thread(Run) { IsBackground = true, Name = "PoseBridge client" };
            _thread.Start();
        }

        /// <summary>Queue a control message; it is sent when connected (dropped if never connected).</summary>
        public void Send(ControlMessage message)
        {
            if (message == null)
                throw new ArgumentNullException("message");
            _outbox.Enqueue(message);
        }

        /// <summary>This machine's wall clock in ns since the Unix epoch (as the server's clocks).</summary>
        public static ulong NowNs()
        {
            return (ulong)(DateTime.UtcNow - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).Ticks * 100UL;
        }

        /// <summary>Stop: close the socket, join the thread (bounded), release everything. Idempotent.</summary>
        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            _stop.Cancel();
            lock (_socketLock)
            {
                if (_socket != null)
                    _socket.Abort();
            }
            if (_thread != null && !_thread.Join(TimeSpan.FromSeconds(3)))
                _lastError = "the client thread did not stop within 3 s";
            _status = ClientStatus.Stopped;
            _stop.Dispose();
        }

        // ------------------------------------------------------------------ background thread

        void Run()
        {
            TimeSpan backoff = _options.MinBackoff;
            while (!_stop.IsCancellationRequested)
            {
                bool useful = false;
                try
                {
                    useful = RunConnection();
                }
                catch (Exception e)
                {
                    if (_stop.IsCancellationRequested)
                        break;
                    _lastError = Describe(e);
                }
                if (_stop.IsCancellationRequested)
                    break;
                _status = ClientStatus.Reconnecting;
                if (useful)
                    backoff = _options.MinBackoff; // else keep backing off, e.g. from a server whose stream has ended
                if (_stop.Token.WaitHandle.WaitOne(backoff))
                    break;
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
            }
            _status = ClientStatus.Stopped;
        }

        static string Describe(Exception e)
        {
            var agg = e as AggregateException;
            if (agg != null && agg.InnerExceptions.Count == 1)
                e = agg.InnerExceptions[0];
            string text = e.Message;
            if (e.InnerException != null && e.InnerException.Message != text)
                text += " (" + e.InnerException.Message + ")";
            return text;
        }

        /// <summary>One connection's life. Returns true if it delivered at least one frame.</summary>
        bool RunConnection()
        {
            var socket = new ClientWebSocket();
            socket.Options.AddSubProtocol(Protocol.Subprotocol(_options.Format));
            if (!string.IsNullOrEmpty(_options.Token))
                socket.Options.SetRequestHeader("Authorization", "Bearer " + _options.Token);
            lock (_socketLock)
            {
                if (_stop.IsCancellationRequested)
                {
                    socket.Dispose();
                    return false;
                }
                _socket = socket;
            }
            bool established = false;
            bool delivered = false;
            try
            {
                using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
                {
                    connectTimeout.CancelAfter(_options.ConnectTimeout);
                    Wait(socket.ConnectAsync(_options.Url, connectTimeout.Token));
                }
                established = true;
                _hello = null;
                _end = null;
                _frames.Clear();
                Interlocked.Increment(ref _connections);
                _status = ClientStatus.Connected;
                _lastError = null;
                long framesBefore = Interlocked.Read(ref _framesReceived);
                try
                {
                    ReceiveLoop(socket);
                }
                finally
                {
                    delivered = Interlocked.Read(ref _framesReceived) > framesBefore;
                }
                return delivered;
            }
            finally
            {
                lock (_socketLock)
                    _socket = null;
                try
                {
                    if (socket.State == WebSocketState.Open && !_stop.IsCancellationRequested)
                    {
                        using (var closeTimeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500)))
                            socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", closeTimeout.Token).Wait(500);
                    }
                }
                catch (Exception)
                {
                    // closing is best effort
                }
                socket.Abort();
                socket.Dispose();
                if (!established)
                    _status = ClientStatus.Reconnecting;
            }
        }

        void Wait(Task task)
        {
            try
            {
                task.Wait(_stop.Token);
            }
            catch (AggregateException e)
            {
                throw e.InnerExceptions.Count == 1 ? e.InnerExceptions[0] : e;
            }
        }

        void ReceiveLoop(ClientWebSocket socket)
        {
            var buffer = new byte[16 * 1024];
            var message = new MemoryStream(4096);
            long lastReceive = _clock.ElapsedMilliseconds;
            long lastPing = long.MinValue / 2;
            long fpsWindowStart = _clock.ElapsedMilliseconds;
            int fpsCount = 0;
            Task<WebSocketReceiveResult> pending = null;
            while (!_stop.IsCancellationRequested)
            {
                long now = _clock.ElapsedMilliseconds;
                if (_options.PingInterval > TimeSpan.Zero && now - lastPing >= _options.PingInterval.TotalMilliseconds)
                {
                    lastPing = now;
                    SendNow(socket, ControlMessage.Ping(NowNs()));
                }
                ControlMessage control;
                while (_outbox.TryDequeue(out control))
                    SendNow(socket, control);
                if (now - fpsWindowStart >= 1000)
                {
                    lock (_statsLock)
                        _fps = fpsCount * 1000.0 / (now - fpsWindowStart);
                    fpsWindowStart = now;
                    fpsCount = 0;
                }

                if (pending == null)
                    pending = socket.ReceiveAsync(new ArraySegment<byte>(buffer), _stop.Token);
                // Bounded wait: wake up to send pings/controls, notice silence and Dispose.
                bool done;
                try
                {
                    done = pending.Wait(50);
                }
                catch (AggregateException e)
                {
                    if (_stop.IsCancellationRequested)
                        return;
                    throw new IOException("connection lost: " + Describe(e), e);
                }
                if (!done)
                {
                    if (_clock.ElapsedMilliseconds - lastReceive > _options.ReceiveTimeout.TotalMilliseconds)
                        throw new TimeoutException("nothing received for " + _options.ReceiveTimeout.TotalSeconds + " s");
                    continue;
                }
                WebSocketReceiveResult result = pending.Result;
                pending = null;
                lastReceive = _clock.ElapsedMilliseconds;
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _lastError = "the server closed the connection" +
                                 (string.IsNullOrEmpty(result.CloseStatusDescription) ? "" : ": " + result.CloseStatusDescription);
                    return;
                }
                message.Write(buffer, 0, result.Count);
                if (message.Length > _options.MaxMessageBytes)
                    throw new IOException("a message is larger than " + _options.MaxMessageBytes + " bytes");
                if (!result.EndOfMessage)
                    continue;
                Message decoded = null;
                try
                {
                    if (result.MessageType == WebSocketMessageType.Binary)
                        decoded = ProtocolCodec.Decode(message.GetBuffer(), 0, (int)message.Length);
                    else
                        decoded = ProtocolCodec.Decode(System.Text.Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
                }
                catch (ProtocolException e)
                {
                    Interlocked.Increment(ref _badMessages);
                    _lastError = "bad message from the server: " + e.Message;
                }
                catch (System.Text.DecoderFallbackException)
                {
                    Interlocked.Increment(ref _badMessages);
                }
                message.SetLength(0);
                if (decoded != null)
                {
                    if (decoded is FrameMessage)
                        fpsCount++;
                    Handle(decoded);
                }
            }
        }

        void SendNow(ClientWebSocket socket, ControlMessage control)
        {
            Task send;
            if (_options.Format == WireFormat.Json)
            {
                byte[] text = System.Text.Encoding.UTF8.GetBytes(ProtocolCodec.EncodeJson(control));
                send = socket.SendAsync(new ArraySegment<byte>(text), WebSocketMessageType.Text, true, _stop.Token);
            }
            else
            {
                byte[] bin = ProtocolCodec.EncodeMsgPack(control);
                send = socket.SendAsync(new ArraySegment<byte>(bin), WebSocketMessageType.Binary, true, _stop.Token);
            }
            if (!send.Wait(TimeSpan.FromSeconds(2)))
                throw new TimeoutException("sending to the server took more than 2 s");
        }

        void Handle(Message message)
        {
            var frame = message as FrameMessage;
            if (frame != null)
            {
                Interlocked.Increment(ref _framesReceived);
                double offset;
                lock (_statsLock)
                    offset = _clockOffsetNs;
                double latency = ((double)NowNs() - ((double)frame.CapturedNs - offset)) / 1e6;
                lock (_statsLock)
                    _latencyMs = latency;
                Action<FrameMessage> onFrame = FrameReceived;
                if (onFrame != null)
                    onFrame(frame);
                _frames.Publish(frame);
            }
            else if (message is HelloMessage)
                _hello = (HelloMessage)message;
            else if (message is StateMessage)
                _state = (StateMessage)message;
            else if (message is EndMessage)
                _end = (EndMessage)message;
            else if (message is ErrorMessage)
                _lastError = "server: " + ((ErrorMessage)message).Code + ": " + ((ErrorMessage)message).Text;
            else if (message is PongMessage)
            {
                var pong = (PongMessage)message;
                ulong now = NowNs();
                double rtt = (double)now - pong.ClientNs;
                lock (_statsLock)
                {
                    _rttMs = rtt / 1e6;
                    // server clock minus ours, assuming a symmetric path
                    _clockOffsetNs = (double)pong.ServerNs - ((double)pong.ClientNs + rtt / 2);
                }
            }
            Action<Message> onMessage = MessageReceived;
            if (onMessage != null)
                onMessage(message);
        }
    }
}
