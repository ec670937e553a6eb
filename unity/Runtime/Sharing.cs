using System;
using UnityEngine;

namespace PoseBridge
{
    /// <summary>
    /// How the consumers of a connection (<see cref="SkeletonView"/>, <see cref="AvatarDriver"/>,
    /// <see cref="HandsView"/>) open their feeds, and what they share when their fields are left empty, looked up one
    /// way for all of them.
    /// </summary>
    static class Sharing
    {
        /// <summary><see cref="PoseConnection.Open"/> as a delegate for <see cref="FeedHolder.Follow{TSource}"/> (no allocation per frame).</summary>
        public static readonly Func<PoseConnection, PoseFeed> Open = c => c.Open();

        /// <summary>Any object of type <typeparamref name="T"/> in the loaded scenes; null when there is none.</summary>
        public static T Find<T>() where T : UnityEngine.Object
        {
#if UNITY_2023_1_OR_NEWER
            return UnityEngine.Object.FindAnyObjectByType<T>();
#else
            return UnityEngine.Object.FindObjectOfType<T>();
#endif
        }

        /// <summary>
        /// With neither <paramref name="skeleton"/> nor <paramref name="part"/> assigned: the first
        /// <see cref="Show_Skeleton"/> in the scene, else the first <typeparamref name="T"/> (a
        /// <see cref="PoseConnection"/>, a <see cref="SkeletonView"/>). Whatever is assigned is kept.
        /// </summary>
        public static void FindDefault<T>(ref Show_Skeleton skeleton, ref T part) where T : UnityEngine.Object
        {
            if (skeleton != null || part != null)
                return;
            skeleton = Find<Show_Skeleton>();
            if (skeleton == null)
                part = Find<T>();
        }

        /// <summary>
        /// The connection to take frames from: the one assigned, else the Show_Skeleton's (null while it plays a txt
        /// file or is disabled), else the view's; null (a real one, also for destroyed components) when none.
        /// </summary>
        public static PoseConnection Connection(PoseConnection assigned, Show_Skeleton skeleton, SkeletonView view)
        {
            PoseConnection c = assigned;
            if (c == null && skeleton != null)
                c = skeleton.Connection;
            if (c == null && view != null)
                c = view.Connection;
            return c != null ? c : null;
        }
    }
}
