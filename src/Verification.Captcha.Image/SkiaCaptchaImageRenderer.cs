using System.Globalization;
using SkiaSharp;

namespace Verification.Captcha.Image;

/// <summary>
/// Draws image-captcha challenges as PNGs with SkiaSharp: built-in stroke glyphs, each turned, scaled and moved at
/// random, a wave warp over the whole text, curved lines across it and speckles, in varied dark colours on a light
/// background. Every picture of the same text differs. Thread-safe: one instance serves any number of renders at once.
/// </summary>
/// <remarks>
/// The glyphs are drawn from vector strokes embedded in the package, so the renderer needs no installed font and
/// looks the same on every machine. Randomness comes from <see cref="System.Security.Cryptography.RandomNumberGenerator"/>.
/// </remarks>
public sealed class SkiaCaptchaImageRenderer : ICaptchaImageRenderer
{
    /// <summary>The fewest characters a challenge may have.</summary>
    public const int MinTextLength = 4;

    /// <summary>The most characters a challenge may have.</summary>
    public const int MaxTextLength = 6;

    /// <summary>Glyph width over glyph height.</summary>
    private const float GlyphAspect = 0.58f;

    private readonly int _width;
    private readonly int _height;

    /// <summary>Creates a renderer with the default size (160 × 60).</summary>
    public SkiaCaptchaImageRenderer()
        : this(new SkiaCaptchaImageOptions())
    {
    }

    /// <summary>Creates a renderer. The options are read once, here.</summary>
    /// <param name="options">The picture size.</param>
    /// <exception cref="ArgumentException">The width or height is out of range.</exception>
    public SkiaCaptchaImageRenderer(SkiaCaptchaImageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = SkiaCaptchaImageOptions.Validate(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _width = options.Width;
        _height = options.Height;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="text"/> has fewer than <see cref="MinTextLength"/> or more than <see cref="MaxTextLength"/>
    /// characters, or a character outside <see cref="ImageCaptchaAlphabet.Characters"/>.
    /// </exception>
    public byte[] RenderPng(string text)
    {
        ValidateText(text);

        // Everything a render touches is its own (random source, surface, paints), which is what makes it thread-safe.
        var random = new CaptchaRandom();
        var info = new SKImageInfo(_width, _height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info)
            ?? throw new InvalidOperationException("SkiaSharp could not create a drawing surface; check that its native library loads.");
        var canvas = surface.Canvas;

        var background = DrawBackground(canvas, random);
        DrawSpeckles(canvas, random, count: _width * _height / 70, light: false);
        DrawText(canvas, random, text);
        DrawNoiseLines(canvas, random);
        DrawSpeckles(canvas, random, count: _width * _height / 220, light: true, background);

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static void ValidateText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length is < MinTextLength or > MaxTextLength)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The captcha text must have {MinTextLength} to {MaxTextLength} characters; it has {text.Length}."),
                nameof(text));
        }

        for (var i = 0; i < text.Length; i++)
        {
            // The index, not the character, goes into the message: the text is the answer to a challenge.
            if (!StrokeFont.Glyphs.ContainsKey(text[i]))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"The captcha text may only use the upper-case characters of ImageCaptchaAlphabet.Characters (\"{ImageCaptchaAlphabet.Characters}\"); the character at index {i} is not one of them."),
                    nameof(text));
            }
        }
    }

    /// <summary>A light two-colour gradient; returns a colour of it for the light speckles.</summary>
    private SKColor DrawBackground(SKCanvas canvas, CaptchaRandom random)
    {
        var hue = random.Next(0f, 360f);
        var from = SKColor.FromHsv(hue, random.Next(4f, 18f), random.Next(93f, 100f));
        var to = SKColor.FromHsv((hue + random.Next(60f, 180f)) % 360, random.Next(4f, 18f), random.Next(93f, 100f));
        using var shader = SKShader.CreateLinearGradient(
            new SKPoint(0, random.Next(0f, _height)),
            new SKPoint(_width, random.Next(0f, _height)),
            [from, to],
            SKShaderTileMode.Clamp);
        using var paint = new SKPaint { Shader = shader };
        canvas.DrawRect(0, 0, _width, _height, paint);
        return from;
    }

    private void DrawText(SKCanvas canvas, CaptchaRandom random, string text)
    {
        var warp = new Warp(random, _width, _height);
        var margin = _width * 0.04f;
        var available = _width - (2 * margin);
        var glyphs = text.Select(c => StrokeFont.Glyphs[c]).ToArray();
        var totalWidth = glyphs.Sum(g => g.Width);

        // As tall as the picture allows, but narrow enough that neighbours touch at most a little.
        var baseHeight = Math.Min(_height * 0.6f, available * 0.8f / (GlyphAspect * totalWidth));

        using var paint = new SKPaint
        {
            IsAntialias = true,
            Style = SKPaintStyle.Stroke,
            StrokeCap = SKStrokeCap.Round,
            StrokeJoin = SKStrokeJoin.Round,
        };

        var left = margin;
        foreach (var glyph in glyphs)
        {
            // Each glyph gets a slot as wide as its share of the text.
            var slot = available * glyph.Width / totalWidth;
            var glyphHeight = baseHeight * random.Next(0.88f, 1.06f);
            var glyphWidth = glyphHeight * GlyphAspect * glyph.Width * random.Next(0.92f, 1.08f);
            var angle = random.Next(-0.26f, 0.26f);
            var skew = random.Next(-0.18f, 0.18f);
            var center = new SKPoint(
                left + (slot / 2) + (random.Next(-0.08f, 0.08f) * slot),
                (_height / 2f) + (random.Next(-0.07f, 0.07f) * _height));
            left += slot;
            var (sin, cos) = MathF.SinCos(angle);

            using var path = new SKPath();
            foreach (var polyline in glyph.Strokes)
            {
                for (var k = 0; k < polyline.Length; k++)
                {
                    // Unit box → centred glyph box, slanted, turned, moved into place, then warped with the rest of the text.
                    var y = (polyline[k].Y - 0.5f) * glyphHeight;
                    var x = ((polyline[k].X - 0.5f) * glyphWidth) - (skew * y);
                    var point = warp.Apply(new SKPoint(center.X + (x * cos) - (y * sin), center.Y + (x * sin) + (y * cos)));
                    if (k == 0)
                    {
                        path.MoveTo(point);
                    }
                    else
                    {
                        path.LineTo(point);
                    }
                }
            }

            paint.Color = DarkColor(random);
            paint.StrokeWidth = glyphHeight * random.Next(0.1f, 0.13f);
            KeepInside(path, paint.StrokeWidth / 2 + 1);
            canvas.DrawPath(path, paint);
        }
    }

    /// <summary>Moves a glyph that the random turn, offset and warp pushed over an edge back into the picture.</summary>
    private void KeepInside(SKPath path, float padding)
    {
        var bounds = path.TightBounds;
        var dx = Math.Max(0, padding - bounds.Left) - Math.Max(0, bounds.Right - (_width - padding));
        var dy = Math.Max(0, padding - bounds.Top) - Math.Max(0, bounds.Bottom - (_height - padding));
        if (dx != 0 || dy != 0)
        {
            path.Offset(dx, dy);
        }
    }

    /// <summary>Curves from edge to edge through the text band, thinner than the glyph strokes.</summary>
    private void DrawNoiseLines(SKCanvas canvas, CaptchaRandom random)
    {
        using var paint = new SKPaint
        {
            IsAntialias = true,
            Style = SKPaintStyle.Stroke,
            StrokeCap = SKStrokeCap.Round,
        };

        var count = random.Next(2, 4);
        for (var i = 0; i < count; i++)
        {
            using var path = new SKPath();
            path.MoveTo(-2, random.Next(0.2f, 0.8f) * _height);
            path.CubicTo(
                random.Next(0.15f, 0.45f) * _width, random.Next(-0.2f, 1.2f) * _height,
                random.Next(0.55f, 0.85f) * _width, random.Next(-0.2f, 1.2f) * _height,
                _width + 2, random.Next(0.2f, 0.8f) * _height);
            paint.Color = DarkColor(random).WithAlpha((byte)random.Next(170, 256));
            paint.StrokeWidth = _height * random.Next(0.022f, 0.045f);
            canvas.DrawPath(path, paint);
        }
    }

    /// <summary>Small dots: dark and mid-tone ones under the text, light ones over it that nick the strokes.</summary>
    private void DrawSpeckles(SKCanvas canvas, CaptchaRandom random, int count, bool light, SKColor background = default)
    {
        using var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
        var unit = _height / 60f;
        for (var i = 0; i < count; i++)
        {
            paint.Color = light
                ? background.WithAlpha((byte)random.Next(180, 256))
                : SKColor.FromHsv(random.Next(0f, 360f), random.Next(30f, 90f), random.Next(25f, 80f)).WithAlpha((byte)random.Next(120, 256));
            var radius = unit * (light ? random.Next(0.5f, 1.1f) : random.Next(0.5f, 1.5f));
            canvas.DrawCircle(random.Next(0f, _width), random.Next(0f, _height), radius, paint);
        }
    }

    /// <summary>A saturated dark colour that stands out on the light background.</summary>
    private static SKColor DarkColor(CaptchaRandom random) =>
        SKColor.FromHsv(random.Next(0f, 360f), random.Next(45f, 90f), random.Next(18f, 45f));

    /// <summary>A sine displacement of the whole picture, of random phase, length and strength.</summary>
    private readonly struct Warp
    {
        private readonly float _amplitudeX;
        private readonly float _amplitudeY;
        private readonly float _frequencyX;
        private readonly float _frequencyY;
        private readonly float _phaseX;
        private readonly float _phaseY;

        public Warp(CaptchaRandom random, int width, int height)
        {
            _amplitudeY = height * random.Next(0.04f, 0.07f);
            _frequencyY = 2 * MathF.PI / (width * random.Next(0.45f, 0.8f));
            _phaseY = random.Next(0f, 2 * MathF.PI);
            _amplitudeX = height * random.Next(0.02f, 0.04f);
            _frequencyX = 2 * MathF.PI / (height * random.Next(0.6f, 1f));
            _phaseX = random.Next(0f, 2 * MathF.PI);
        }

        public SKPoint Apply(SKPoint point) => new(
            point.X + (_amplitudeX * MathF.Sin((point.Y * _frequencyX) + _phaseX)),
            point.Y + (_amplitudeY * MathF.Sin((point.X * _frequencyY) + _phaseY)));
    }
}
