using NUnit.Framework;

namespace PoseBridge.Tests
{
    /// <summary>The coordinate conversions of protocol/SPEC.md, as tables.</summary>
    [TestFixture]
    public sealed class CoordinateTests
    {
        // MediaPipe world (x right, y down, z away; meters, hip origin) -> Unity (x right, y up, z forward).
        [TestCase(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)]
        [TestCase(0.25, 0.0, 0.0, 0.25, 0.0, 0.0)]
        [TestCase(0.0, -0.6, 0.0, 0.0, 0.6, 0.0)] // a head above the hips (negative y in MediaPipe) is up in Unity
        [TestCase(0.0, 0.9, 0.0, 0.0, -0.9, 0.0)] // feet below
        [TestCase(0.0, 0.0, -0.3, 0.0, 0.0, -0.3)] // towards the camera stays towards a camera at -z
        [TestCase(-0.1, 0.2, 0.3, -0.1, -0.2, 0.3)]
        public void WorldToUnityFlipsY(double x, double y, double z, double ux, double uy, double uz)
        {
            Assert.AreEqual(new Vec3(ux, uy, uz), Coordinates.WorldToUnity(x, y, z));
            Assert.AreEqual(new Vec3(ux, uy, uz), Coordinates.ToUnity(CoordinateSpace.World, AxisMapping.Standard, x, y, z));
        }

        // The thesis' mapping for old files: Unity x = file z, y = -file y, z = file x.
        [TestCase(1.0, 2.0, 3.0, 3.0, -2.0, 1.0)]
        [TestCase(0.5, -0.5, 0.0, 0.0, 0.5, 0.5)]
        [TestCase(0.0, 0.0, -1.0, -1.0, 0.0, 0.0)]
        public void LegacyThesisMapping(double x, double y, double z, double ux, double uy, double uz)
        {
            Assert.AreEqual(new Vec3(ux, uy, uz), Coordinates.LegacyToUnity(x, y, z));
            Assert.AreEqual(new Vec3(ux, uy, uz), Coordinates.ToUnity(CoordinateSpace.World, AxisMapping.LegacyThesis, x, y, z));
        }

        // Image (normalized, y down) -> Unity, centred, in image heights: ((x-0.5)*aspect, 0.5-y, z*aspect).
        [TestCase(0.5, 0.5, 0.0, 1.0, 0.0, 0.0, 0.0)] // centre
        [TestCase(0.0, 0.0, 0.0, 1.0, -0.5, 0.5, 0.0)] // top-left
        [TestCase(1.0, 1.0, 0.0, 1.0, 0.5, -0.5, 0.0)] // bottom-right
        [TestCase(1.0, 0.5, 0.0, 2.0, 1.0, 0.0, 0.0)] // 2:1 image: right edge is one image height from the centre
        [TestCase(0.75, 0.25, -0.5, 2.0, 0.5, 0.25, -1.0)] // z scales like x
        public void ImageToUnity(double x, double y, double z, double aspect, double ux, double uy, double uz)
        {
            Assert.AreEqual(new Vec3(ux, uy, uz), Coordinates.ImageToUnity(x, y, z, aspect));
            Assert.AreEqual(new Vec3(ux, uy, uz), Coordinates.ToUnity(CoordinateSpace.Image, AxisMapping.Standard, x, y, z, aspect));
        }

        [TestCase(CoordinateSpace.World, AxisMapping.Standard, 0.2, -0.4, 0.1, false, 2.0, 0.4, 0.8, 0.2)]
        [TestCase(CoordinateSpace.World, AxisMapping.Standard, 0.2, -0.4, 0.1, true, 1.0, -0.2, 0.4, 0.1)]
        [TestCase(CoordinateSpace.World, AxisMapping.LegacyThesis, 0.2, -0.4, 0.1, true, 1.0, -0.1, 0.4, 0.2)]
        [TestCase(CoordinateSpace.Image, AxisMapping.Standard, 0.25, 0.5, 0.0, true, 2.0, 0.5, 0.0, 0.0)]
        [TestCase(CoordinateSpace.Unity, AxisMapping.Standard, 0.2, 1.4, 0.1, false, 1.0, 0.2, 1.4, 0.1)] // ground truth: as is
        [TestCase(CoordinateSpace.Unity, AxisMapping.LegacyThesis, 0.2, 1.4, 0.1, true, 1.0, -0.2, 1.4, 0.1)] // legacy applies to files only
        public void MirrorAndScale(CoordinateSpace space, AxisMapping mapping, double x, double y, double z, bool mirror,
            double scale, double ux, double uy, double uz)
        {
            Vec3 v = Coordinates.ToUnity(space, mapping, x, y, z, 1.0, mirror, scale);
            Assert.AreEqual(ux, v.X, 1e-12);
            Assert.AreEqual(uy, v.Y, 1e-12);
            Assert.AreEqual(uz, v.Z, 1e-12);
        }

        [TestCase(0.0, 0.3, 0.8, 0.0)]
        [TestCase(0.29, 0.3, 0.8, 0.0)]
        [TestCase(0.3, 0.3, 0.8, 0.0)]
        [TestCase(0.55, 0.3, 0.8, 0.5)]
        [TestCase(0.8, 0.3, 0.8, 1.0)]
        [TestCase(1.0, 0.3, 0.8, 1.0)]
        [TestCase(0.5, 0.5, 0.5, 1.0)] // equal thresholds: a hard cut
        [TestCase(0.49, 0.5, 0.5, 0.0)]
        [TestCase(double.NaN, 0.3, 0.8, 0.0)]
        public void VisibilityAlpha(double visibility, double hide, double full, double alpha)
        {
            Assert.AreEqual(alpha, Coordinates.VisibilityAlpha(visibility, hide, full), 1e-12);
        }

        [Test]
        public void HipCentreIsTheMidpointOfLandmarks23And24()
        {
            var block = new float[Protocol.BlockLength];
            block[23 * 5 + 0] = 0.1f;
            block[23 * 5 + 1] = 0.2f;
            block[24 * 5 + 0] = -0.1f;
            block[24 * 5 + 1] = 0.4f;
            Vec3 hips = Coordinates.HipCenter(block, CoordinateSpace.World, AxisMapping.Standard);
            Assert.AreEqual(0.0, hips.X, 1e-7);
            Assert.AreEqual(-0.3, hips.Y, 1e-7);
        }

        [Test]
        public void ImageAspectMustBePositive()
        {
            Assert.Throws<System.ArgumentOutOfRangeException>(() => Coordinates.ImageToUnity(0, 0, 0, 0));
        }
    }
}
