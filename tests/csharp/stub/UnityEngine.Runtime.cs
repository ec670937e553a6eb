// Compile-only stub of UnityEngine (see README.md): engine services, GUI and Inspector attributes.
using System;

namespace UnityEngine
{
    public static partial class Time
    {
        public static float time { get { return 0f; } }
        public static float deltaTime { get { return 0f; } }
        public static float unscaledTime { get { return 0f; } }
        public static float unscaledDeltaTime { get { return 0f; } }
        public static int frameCount { get { return 0; } }
        public static double realtimeSinceStartupAsDouble { get { return 0; } }
    }

    public static partial class Debug
    {
        public static void Log(object message) { }
        public static void Log(object message, Object context) { }
        public static void LogWarning(object message) { }
        public static void LogWarning(object message, Object context) { }
        public static void LogError(object message) { }
        public static void LogError(object message, Object context) { }
        public static void LogException(Exception exception) { }
    }

    public static partial class Application
    {
        public static bool isPlaying { get { return false; } }
        public static string dataPath { get { return ""; } }
        public static string streamingAssetsPath { get { return ""; } }
        public static string persistentDataPath { get { return ""; } }
        public static RuntimePlatform platform { get { return RuntimePlatform.LinuxPlayer; } }
        public static int targetFrameRate { get; set; }
        public static bool runInBackground { get; set; }
    }

    public enum RuntimePlatform { OSXEditor = 0, OSXPlayer = 1, WindowsPlayer = 2, WindowsEditor = 7, LinuxPlayer = 13, LinuxEditor = 16, WebGLPlayer = 17 }

    public enum EventType { MouseDown = 0, MouseUp = 1, MouseMove = 2, MouseDrag = 3, KeyDown = 4, KeyUp = 5, ScrollWheel = 6, Repaint = 7, Layout = 8 }

    public sealed partial class Event
    {
        public static Event current { get; set; }
        public EventType type { get; set; }
    }

    public partial class GUIContent
    {
        public static GUIContent none { get { return new GUIContent(); } }
        public GUIContent() { }
        public GUIContent(string text) { }
    }

    public partial class GUIStyle
    {
        public GUIStyle() { }
        public GUIStyle(GUIStyle other) { }
        public int fontSize { get; set; }
        public bool richText { get; set; }
    }

    public static partial class GUI
    {
        public static Color color { get; set; }
        public static void Label(Rect position, string text) { }
        public static void Label(Rect position, string text, GUIStyle style) { }
        public static void Box(Rect position, GUIContent content) { }
        public static void Box(Rect position, string text) { }
        public static bool Button(Rect position, string text) { return false; }
    }

    [AttributeUsage(AttributeTargets.Field)]
    public sealed partial class SerializeField : Attribute { }

    [AttributeUsage(AttributeTargets.Field)]
    public sealed partial class HideInInspector : Attribute { }

    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, Inherited = true, AllowMultiple = false)]
    public abstract partial class PropertyAttribute : Attribute
    {
        public int order { get; set; }
        protected PropertyAttribute() { }
    }

    public partial class TooltipAttribute : PropertyAttribute
    {
        public readonly string tooltip;
        public TooltipAttribute(string tooltip) { this.tooltip = tooltip; }
    }

    public partial class HeaderAttribute : PropertyAttribute
    {
        public readonly string header;
        public HeaderAttribute(string header) { this.header = header; }
    }

    public sealed partial class RangeAttribute : PropertyAttribute
    {
        public readonly float min, max;
        public RangeAttribute(float min, float max) { this.min = min; this.max = max; }
    }

    public sealed partial class MinAttribute : PropertyAttribute
    {
        public readonly float min;
        public MinAttribute(float min) { this.min = min; }
    }

    public partial class SpaceAttribute : PropertyAttribute
    {
        public SpaceAttribute() { }
        public SpaceAttribute(float height) { }
    }

    [AttributeUsage(AttributeTargets.Class)]
    public sealed partial class DisallowMultipleComponent : Attribute { }

    [AttributeUsage(AttributeTargets.Class)]
    public sealed partial class AddComponentMenu : Attribute
    {
        public AddComponentMenu(string menuName) { }
    }

    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
    public sealed partial class RequireComponent : Attribute
    {
        public RequireComponent(Type requiredComponent) { }
    }

    [AttributeUsage(AttributeTargets.Class)]
    public sealed partial class HelpURLAttribute : Attribute
    {
        public HelpURLAttribute(string url) { }
    }
}
