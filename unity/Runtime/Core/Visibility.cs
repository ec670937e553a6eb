namespace PoseBridge
{
    /// <summary>What a skeleton does with joints MediaPipe considers not visible (occluded or out of the image).</summary>
    public enum LowVisibility
    {
        /// <summary>Show every joint whatever its visibility.</summary>
        Show,
        /// <summary>Hide joints (and their bones) below the threshold.</summary>
        Hide,
        /// <summary>Shrink joints and fade bones between the two thresholds.</summary>
        Fade,
    }

    /// <summary>How strongly to draw a joint (0 hidden … 1 full): pure functions, table-tested.</summary>
    public static class JointVisibility
    {
        /// <summary>
        /// Alpha of a joint of the given <paramref name="visibility"/>: <see cref="LowVisibility.Show"/> always 1;
        /// <see cref="LowVisibility.Hide"/> 1 from <paramref name="hideBelow"/> on, else 0 (NaN: 0);
        /// <see cref="LowVisibility.Fade"/> as <see cref="Coordinates.VisibilityAlpha"/> (0 below
        /// <paramref name="hideBelow"/>, 1 from <paramref name="fullAbove"/> on, linear in between).
        /// </summary>
        public static float Alpha(LowVisibility mode, float visibility, float hideBelow, float fullAbove)
        {
            if (mode == LowVisibility.Show)
                return 1f;
            if (mode == LowVisibility.Hide)
                return visibility >= hideBelow ? 1f : 0f;
            return (float)Coordinates.VisibilityAlpha(visibility, hideBelow, fullAbove);
        }
    }
}
