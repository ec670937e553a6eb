// Compile-only stub of UnityEngine (see README.md): rendering components.
namespace UnityEngine
{
    public sealed partial class Shader : Object
    {
        public static Shader Find(string name) { return null; }
    }

    public partial class Material : Object
    {
        public Material(Shader shader) { }
        public Material(Material source) { }
        public Color color { get; set; }
        public Shader shader { get; set; }
        public void SetColor(string propertyName, Color value) { }
        public void SetFloat(string propertyName, float value) { }
    }

    public partial class Renderer : Component
    {
        public bool enabled { get; set; }
        public Material material { get; set; }
        public Material sharedMaterial { get; set; }
    }

    public partial class MeshRenderer : Renderer { }

    public sealed partial class MeshFilter : Component { }

    public sealed partial class LineRenderer : Renderer
    {
        public int positionCount { get; set; }
        public bool useWorldSpace { get; set; }
        public float startWidth { get; set; }
        public float endWidth { get; set; }
        public float widthMultiplier { get; set; }
        public Color startColor { get; set; }
        public Color endColor { get; set; }
        public void SetPosition(int index, Vector3 position) { }
        public void SetPositions(Vector3[] positions) { }
    }

    public enum LightType { Spot, Directional, Point }

    public sealed partial class Light : Behaviour
    {
        public LightType type { get; set; }
        public float intensity { get; set; }
        public Color color { get; set; }
    }

    public enum CameraClearFlags { Skybox = 1, SolidColor = 2, Depth = 3, Nothing = 4 }

    public sealed partial class Camera : Behaviour
    {
        public static Camera main { get { return null; } }
        public float fieldOfView { get; set; }
        public float nearClipPlane { get; set; }
        public float farClipPlane { get; set; }
        public Color backgroundColor { get; set; }
        public CameraClearFlags clearFlags { get; set; }
        public Vector3 WorldToScreenPoint(Vector3 position) { return position; }
    }

    public sealed partial class Screen
    {
        public static int width { get { return 0; } }
        public static int height { get { return 0; } }
    }

    public partial class RenderSettings
    {
        public static Color ambientLight { get; set; }
    }
}

namespace UnityEngine.Rendering
{
    public abstract partial class RenderPipelineAsset : ScriptableObject { }

    public sealed partial class GraphicsSettings : Object
    {
        public static RenderPipelineAsset currentRenderPipeline { get { return null; } }
    }

#if UNITY_2022_2_OR_NEWER
    public abstract partial class RenderPipeline
    {
        public static bool SupportsRenderRequest<RequestData>(Camera camera, RequestData data) { return false; }
        public static void SubmitRenderRequest<RequestData>(Camera camera, RequestData data) { }

        public class StandardRequest
        {
            public RenderTexture destination = null;
            public int mipLevel = 0;
            public CubemapFace face = CubemapFace.Unknown;
            public int slice = 0;
        }
    }
#endif
}

namespace UnityEngine
{
    public enum CubemapFace { Unknown = -1, PositiveX = 0, NegativeX = 1, PositiveY = 2, NegativeY = 3, PositiveZ = 4, NegativeZ = 5 }
}
