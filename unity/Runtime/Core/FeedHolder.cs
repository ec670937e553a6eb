using System;

namespace PoseBridge
{
    /// <summary>
    /// One consumer's <see cref="PoseFeed"/> on a source that may change while it runs (a connection component
    /// assigned, swapped, disabled and enabled again): <see cref="Follow{TSource}"/>, called every frame, keeps the
    /// feed while it is open and comes from the same source, and otherwise closes it and opens a new one.
    /// </summary>
    /// <remarks>
    /// Sources are compared by reference. Pass null for "no source" yourself when the source's own notion of
    /// null differs from C#'s (Unity's destroyed objects): null closes the feed. Use it on one thread (Unity's
    /// main thread), like the feeds it holds.
    /// </remarks>
    public sealed class FeedHolder : IDisposable
    {
        PoseFeed _feed;
        object _source;

        /// <summary>The feed held, null when none is open (not yet, the source gave none, or closed).</summary>
        public PoseFeed Feed { get { return _feed; } }

        /// <summary>The source the held feed was opened from; null with no feed.</summary>
        public object Source { get { return _source; } }

        /// <summary>
        /// The open feed of <paramref name="source"/>: the one held when it is still open and from this source,
        /// else a new one from <paramref name="open"/> (after closing the one held). Null when
        /// <paramref name="source"/> is null or <paramref name="open"/> gives none (a disabled connection); the
        /// next call tries again. Throws <see cref="ArgumentNullException"/> for a null <paramref name="open"/>.
        /// </summary>
        public PoseFeed Follow<TSource>(TSource source, Func<TSource, PoseFeed> open) where TSource : class
        {
            if (open == null)
                throw new ArgumentNullException("open");
            if (_feed != null && (!_feed.IsOpen || !ReferenceEquals(_source, source)))
                Dispose();
            if (_feed == null && source != null)
            {
                _feed = open(source);
                _source = _feed != null ? source : null;
            }
            return _feed;
        }

        /// <summary>Close the feed held (the last feed of a shared connection closes it). Idempotent.</summary>
        public void Dispose()
        {
            if (_feed != null)
                _feed.Dispose();
            _feed = null;
            _source = null;
        }
    }
}
