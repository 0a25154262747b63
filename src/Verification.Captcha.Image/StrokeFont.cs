using System.Collections.Frozen;
using SkiaSharp;

namespace Verification.Captcha.Image;

/// <summary>
/// A stroke font for the characters of <see cref="ImageCaptchaAlphabet.Characters"/>: each glyph is a few polylines
/// on a unit box (x 0 → 1 left to right, y 0 → 1 top to bottom), drawn later with a thick round pen.
/// </summary>
/// <remarks>
/// Built into the code so that the pictures look the same on every machine and need no installed font: a
/// server container often has none, and a fallback font would change what people are asked to read.
/// The polylines are cut into short pieces so that the wave warp bends straight strokes too.
/// </remarks>
internal static class StrokeFont
{
    /// <summary>The longest piece of a polyline after subdivision, in units of the glyph box.</summary>
    private const float MaxSegment = 0.04f;

    /// <summary>The glyphs, by character.</summary>
    public static FrozenDictionary<char, Glyph> Glyphs { get; } = Build();

    private static FrozenDictionary<char, Glyph> Build()
    {
        var six = new[]
        {
            Arc(0.55f, 0.68f, 0.5f, 0.68f, 290, 180),
            Arc(0.5f, 0.69f, 0.45f, 0.31f, 180, 540),
        };

        var glyphs = new Dictionary<char, SKPoint[][]>
        {
            ['A'] = [Line(0, 1, 0.5f, 0, 1, 1), Line(0.2f, 0.64f, 0.8f, 0.64f)],
            ['C'] = [Arc(0.53f, 0.5f, 0.5f, 0.5f, -42, -318)],
            ['D'] = [Join(Line(0.3f, 1, 0, 1, 0, 0, 0.3f, 0), Arc(0.3f, 0.5f, 0.68f, 0.5f, -90, 90))],
            ['E'] = [Line(0.95f, 0, 0, 0, 0, 1, 0.95f, 1), Line(0, 0.5f, 0.75f, 0.5f)],
            ['F'] = [Line(1, 0, 0, 0, 0, 1), Line(0, 0.5f, 0.75f, 0.5f)],
            ['H'] = [Line(0, 0, 0, 1), Line(1, 0, 1, 1), Line(0, 0.5f, 1, 0.5f)],
            ['J'] = [Line(0.35f, 0, 0.95f, 0), Join(Line(0.8f, 0, 0.8f, 0.68f), Arc(0.45f, 0.68f, 0.35f, 0.32f, 0, 165))],
            ['K'] = [Line(0, 0, 0, 1), Line(0.95f, 0, 0, 0.64f), Line(0.32f, 0.44f, 1, 1)],
            ['L'] = [Line(0, 0, 0, 1, 0.9f, 1)],
            ['M'] = [Line(0, 1, 0, 0, 0.5f, 0.62f, 1, 0, 1, 1)],
            ['N'] = [Line(0, 1, 0, 0, 1, 1, 1, 0)],
            ['P'] = [Join(Line(0, 1, 0, 0, 0.55f, 0), Arc(0.55f, 0.27f, 0.42f, 0.27f, -90, 90), Line(0.55f, 0.54f, 0, 0.54f))],
            ['R'] = [Join(Line(0, 1, 0, 0, 0.55f, 0), Arc(0.55f, 0.27f, 0.42f, 0.27f, -90, 90), Line(0.55f, 0.54f, 0, 0.54f)), Line(0.45f, 0.54f, 1, 1)],
            ['T'] = [Line(0, 0, 1, 0), Line(0.5f, 0, 0.5f, 1)],
            ['U'] = [Join(Line(0, 0, 0, 0.6f), Arc(0.5f, 0.6f, 0.5f, 0.4f, 180, 0), Line(1, 0.6f, 1, 0))],
            ['V'] = [Line(0, 0, 0.5f, 1, 1, 0)],
            ['W'] = [Line(0, 0, 0.22f, 1, 0.5f, 0.3f, 0.78f, 1, 1, 0)],
            ['X'] = [Line(0, 0, 1, 1), Line(1, 0, 0, 1)],
            ['Y'] = [Line(0, 0, 0.5f, 0.5f, 1, 0), Line(0.5f, 0.5f, 0.5f, 1)],
            ['3'] = [Join(Arc(0.5f, 0.26f, 0.42f, 0.26f, -160, 90), Line(0.3f, 0.51f), Arc(0.5f, 0.75f, 0.48f, 0.25f, -90, 160))],
            ['4'] = [Line(0.45f, 0, 0, 0.68f, 1, 0.68f), Line(0.75f, 0.3f, 0.75f, 1)],
            ['6'] = six,
            ['7'] = [Line(0, 0, 1, 0, 0.38f, 1)],
            ['9'] = [.. six.Select(Rotate180)],
        };

        // Relative widths: M and W need room to stay readable, E, F, J, L and 7 look right narrower.
        var widths = new Dictionary<char, float>
        {
            ['M'] = 1.25f, ['W'] = 1.3f, ['E'] = 0.85f, ['F'] = 0.85f, ['J'] = 0.85f, ['L'] = 0.85f, ['7'] = 0.9f,
        };

        return glyphs.ToFrozenDictionary(
            g => g.Key,
            g => new Glyph(widths.GetValueOrDefault(g.Key, 1f), [.. g.Value.Select(Subdivide)]));
    }

    /// <summary>A polyline through the given x, y pairs.</summary>
    private static SKPoint[] Line(params float[] xy)
    {
        var points = new SKPoint[xy.Length / 2];
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = new SKPoint(xy[2 * i], xy[(2 * i) + 1]);
        }

        return points;
    }

    /// <summary>
    /// An elliptic arc from <paramref name="fromDegrees"/> to <paramref name="toDegrees"/>; 0° points right and
    /// 90° down (y grows downwards), so increasing angles turn clockwise on screen.
    /// </summary>
    private static SKPoint[] Arc(float cx, float cy, float rx, float ry, float fromDegrees, float toDegrees)
    {
        var steps = Math.Max(2, (int)MathF.Ceiling(MathF.Abs(toDegrees - fromDegrees) / 10));
        var points = new SKPoint[steps + 1];
        for (var i = 0; i <= steps; i++)
        {
            var radians = (fromDegrees + ((toDegrees - fromDegrees) * i / steps)) * MathF.PI / 180;
            points[i] = new SKPoint(cx + (rx * MathF.Cos(radians)), cy + (ry * MathF.Sin(radians)));
        }

        return points;
    }

    /// <summary>One polyline made of several, in order (each piece starts near where the previous one ends).</summary>
    private static SKPoint[] Join(params SKPoint[][] parts) => [.. parts.SelectMany(p => p)];

    private static SKPoint[] Rotate180(SKPoint[] polyline) => [.. polyline.Select(p => new SKPoint(1 - p.X, 1 - p.Y))];

    private static SKPoint[] Subdivide(SKPoint[] polyline)
    {
        var points = new List<SKPoint> { polyline[0] };
        for (var i = 1; i < polyline.Length; i++)
        {
            var from = polyline[i - 1];
            var to = polyline[i];
            var pieces = Math.Max(1, (int)MathF.Ceiling(SKPoint.Distance(from, to) / MaxSegment));
            for (var k = 1; k <= pieces; k++)
            {
                points.Add(new SKPoint(from.X + ((to.X - from.X) * k / pieces), from.Y + ((to.Y - from.Y) * k / pieces)));
            }
        }

        return [.. points];
    }
}

/// <summary>One glyph of <see cref="StrokeFont"/>.</summary>
/// <param name="Width">Its width relative to an ordinary glyph's.</param>
/// <param name="Strokes">Its polylines on the unit box.</param>
internal sealed record Glyph(float Width, SKPoint[][] Strokes);
