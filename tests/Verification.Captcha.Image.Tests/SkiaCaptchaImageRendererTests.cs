using System.Collections.Concurrent;

using Verification.Captcha.Image;

namespace Verification.Captcha.Image.Tests;

public sealed class SkiaCaptchaImageRendererTests
{
    private readonly SkiaCaptchaImageRenderer _renderer = new();

    public static TheoryData<char> AlphabetCharacters() => [.. ImageCaptchaAlphabet.Characters];

    [Fact]
    public void RenderPng_DefaultOptions_Is160By60Png()
    {
        var png = Png.Decode(_renderer.RenderPng("ACDEF"));

        Assert.Equal(160, png.Width);
        Assert.Equal(60, png.Height);
    }

    [Theory]
    [InlineData(SkiaCaptchaImageOptions.MinWidth, SkiaCaptchaImageOptions.MinHeight)]
    [InlineData(240, 90)]
    [InlineData(400, 100)]
    public void RenderPng_ConfiguredSize_HasThatSize(int width, int height)
    {
        var renderer = new SkiaCaptchaImageRenderer(new SkiaCaptchaImageOptions { Width = width, Height = height });

        var png = Png.Decode(renderer.RenderPng("HJKLMN"));

        Assert.Equal(width, png.Width);
        Assert.Equal(height, png.Height);
        Assert.True(png.DarkShare > 0.05, $"Only {png.DarkShare:P1} of the pixels are dark.");
    }

    [Theory]
    [InlineData("ACDE")]
    [InlineData("Y3469")]
    [InlineData("MWMWMW")]
    public void RenderPng_ValidText_IsNotBlank(string text)
    {
        var png = Png.Decode(_renderer.RenderPng(text));

        // A gradient, coloured strokes with anti-aliased edges and speckles give hundreds of colours.
        Assert.True(png.DistinctColors > 200, $"Only {png.DistinctColors} distinct colours.");
        Assert.True(png.DarkShare is > 0.06 and < 0.6, $"{png.DarkShare:P1} of the pixels are dark.");
    }

    [Fact]
    public void RenderPng_SameTextTwice_Differs()
    {
        var first = _renderer.RenderPng("K7NX");
        var second = _renderer.RenderPng("K7NX");

        Assert.NotEqual(first, second);
        var difference = Png.Decode(first).DifferenceFrom(Png.Decode(second));
        Assert.True(difference > 0.5, $"Only {difference:P1} of the pixels differ.");
    }

    [Theory]
    [MemberData(nameof(AlphabetCharacters))]
    public void RenderPng_EveryAlphabetCharacter_Renders(char character)
    {
        var png = Png.Decode(_renderer.RenderPng(new string(character, 4)));

        Assert.Equal(160, png.Width);
        Assert.True(png.DarkShare > 0.05, $"Only {png.DarkShare:P1} of the pixels are dark.");
    }

    [Fact]
    public void StrokeFont_Glyphs_CoverExactlyTheAlphabet()
    {
        Assert.Equal(
            ImageCaptchaAlphabet.Characters.Order(),
            StrokeFont.Glyphs.Keys.Order());
    }

    [Fact]
    public void StrokeFont_Glyphs_StayInTheUnitBox()
    {
        foreach (var (character, glyph) in StrokeFont.Glyphs)
        {
            foreach (var point in glyph.Strokes.SelectMany(s => s))
            {
                Assert.True(
                    point.X is >= -0.01f and <= 1.01f && point.Y is >= -0.01f and <= 1.01f,
                    $"'{character}' has a point at ({point.X}, {point.Y}).");
            }
        }
    }

    [Fact]
    public void StrokeFont_Glyphs_SpanTheFullHeight()
    {
        // Every character of the alphabet is a capital or a lining digit; a short glyph would read as another one.
        foreach (var (character, glyph) in StrokeFont.Glyphs)
        {
            var ys = glyph.Strokes.SelectMany(s => s).Select(p => p.Y).ToArray();
            Assert.True(ys.Min() < 0.05f && ys.Max() > 0.95f, $"'{character}' spans {ys.Min()}..{ys.Max()}.");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("ACD")]
    [InlineData("ACDEFHJ")]
    [InlineData("acde")]
    [InlineData("ABCD")]
    [InlineData("AC0D")]
    [InlineData("AC D")]
    [InlineData("ACDÉ")]
    public void RenderPng_TextOutsideAlphabetOrLength_ThrowsArgumentExceptionForText(string text)
    {
        var exception = Assert.Throws<ArgumentException>(() => _renderer.RenderPng(text));

        Assert.Equal("text", exception.ParamName);
    }

    [Fact]
    public void RenderPng_BadCharacter_MessageGivesIndexNotCharacter()
    {
        var exception = Assert.Throws<ArgumentException>(() => _renderer.RenderPng("ACDq"));

        Assert.Contains("index 3", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'q'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderPng_NullText_ThrowsArgumentNullException()
    {
        var exception = Assert.Throws<ArgumentNullException>(() => _renderer.RenderPng(null!));

        Assert.Equal("text", exception.ParamName);
    }

    [Theory]
    [InlineData(SkiaCaptchaImageOptions.MinWidth - 1, 60, "Verification:Captcha:Image:Width")]
    [InlineData(SkiaCaptchaImageOptions.MaxWidth + 1, 60, "Verification:Captcha:Image:Width")]
    [InlineData(160, SkiaCaptchaImageOptions.MinHeight - 1, "Verification:Captcha:Image:Height")]
    [InlineData(160, SkiaCaptchaImageOptions.MaxHeight + 1, "Verification:Captcha:Image:Height")]
    public void Constructor_SizeOutOfRange_ThrowsArgumentExceptionNamingTheSetting(int width, int height, string setting)
    {
        var exception = Assert.Throws<ArgumentException>(
            () => new SkiaCaptchaImageRenderer(new SkiaCaptchaImageOptions { Width = width, Height = height }));

        Assert.Equal("options", exception.ParamName);
        Assert.Contains(setting, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NullOptions_ThrowsArgumentNullException()
    {
        var exception = Assert.Throws<ArgumentNullException>(() => new SkiaCaptchaImageRenderer(null!));

        Assert.Equal("options", exception.ParamName);
    }

    [Fact]
    public void RenderPng_FiftyParallelRenders_AllSucceedAndDiffer()
    {
        var results = new ConcurrentBag<byte[]>();

        Parallel.For(0, 50, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var text = string.Concat(Enumerable.Range(0, 4 + (i % 3)).Select(k => ImageCaptchaAlphabet.Characters[(i + (7 * k)) % ImageCaptchaAlphabet.Characters.Length]));
            results.Add(_renderer.RenderPng(text));
        });

        Assert.Equal(50, results.Count);
        foreach (var bytes in results)
        {
            var png = Png.Decode(bytes);
            Assert.Equal((160, 60), (png.Width, png.Height));
            Assert.True(png.DarkShare > 0.05, $"Only {png.DarkShare:P1} of the pixels are dark.");
        }

        Assert.Equal(50, results.Select(Convert.ToBase64String).Distinct().Count());
    }
}
