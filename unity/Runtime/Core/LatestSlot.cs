using System.Threading;

namespace PoseBridge
{
    /// <summary>
    /// Hands the newest value from a worker thread to the main thread: newest wins, nothing queues.
    /// </summary>
    /// <remarks>
    /// A pose stream is a state stream: a frame that was overwritten before the main thread took it is
    /// worth nothing, so it is dropped and counted in <see cref="Overwritten"/>. Thread-safe.
    /// </remarks>
    public sealed class LatestSlot<T> where T : class
    {
        readonly object _lock = new object();
        T _value;
        bool _fresh;
        long _overwritten;
        long _published;

        /// <summary>Store <paramref name="value"/>, replacing one that was not taken yet.</summary>
        public void Publish(T value)
        {
            lock (_lock)
            {
                if (_fresh)
                    _overwritten++;
                _value = value;
                _fresh = true;
                _published++;
            }
        }

        /// <summary>
        /// The newest value, and whether it is new since the last call (<paramref name="fresh"/> false:
        /// the same value again — stale). Null before the first <see cref="Publish"/>.
        /// </summary>
        public T Take(out bool fresh)
        {
            lock (_lock)
            {
                fresh = _fresh;
                _fresh = false;
                return _value;
            }
        }

        /// <summary>Like <see cref="Take"/>, but only a value that is new since the last take.</summary>
        public bool TryTakeFresh(out T value)
        {
            bool fresh;
            value = Take(out fresh);
            if (!fresh)
                value = null;
            return fresh;
        }

        /// <summary>Values replaced before anyone took them.</summary>
        public long Overwritten { get { lock (_lock) return _overwritten; } }

        public long Published { get { lock (_lock) return _published; } }

        /// <summary>Forget the value (e.g. on reconnect); counters are kept.</summary>
        public void Clear()
        {
            lock (_lock)
            {
                _value = null;
                _fresh = false;
            }
        }
    }
}
