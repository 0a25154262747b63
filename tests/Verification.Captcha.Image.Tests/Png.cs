using SkiaSharp;

namespace Verification.Captcha.Image.Tests;

/// <summary>Decodes a rendered PNG and measures what a blank or broken picture would lack.</summary>
internal sealed record Png(int Width, int Height, int DistinctColors, double DarkShare, SKColor[] Pixels)
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static Png Decode(byte[] bytes)
    {
        Assert.True(bytes.AsSpan().StartsWith(Signature), "The bytes do not start with the PNG signature.");
        using var bitmap = SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        var pixels = bitmap.Pixels;
        var dark = pixels.Count(p => Luminance(p) < 110);
        return new Png(bitmap.Width, bitmap.Height, pixels.Distinct().Count(), (double)dark / pixels.Length, pixels);
    }

    /// <summary>The share of pixels that differ from <paramref name="other"/>'s.</summary>
    public double DifferenceFrom(Png other)
    {
        Assert.Equal(Pixels.Length, other.Pixels.Length);
        return (double)Pixels.Where((p, i) => p != other.Pixels[i]).Count() / Pixels.Length;
    }

    private static double Luminance(SKColor c) => (0.2126 * c.Red) + (0.7152 * c.Green) + (0.0722 * c.Blue);
}
