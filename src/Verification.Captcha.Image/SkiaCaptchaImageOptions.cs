using System.Globalization;

namespace Verification.Captcha.Image;

/// <summary>
/// Settings of <see cref="SkiaCaptchaImageRenderer"/>, bound from the <c>Verification:Captcha:Image</c>
/// configuration section by <c>UseImageCaptchaRenderer()</c>.
/// </summary>
public sealed class SkiaCaptchaImageOptions
{
    /// <summary>The configuration section the options bind from: <c>"Verification:Captcha:Image"</c>.</summary>
    public const string SectionName = "Verification:Captcha:Image";

    /// <summary>The smallest allowed <see cref="Width"/>, in pixels.</summary>
    public const int MinWidth = 80;

    /// <summary>The largest allowed <see cref="Width"/>, in pixels.</summary>
    public const int MaxWidth = 1000;

    /// <summary>The smallest allowed <see cref="Height"/>, in pixels.</summary>
    public const int MinHeight = 30;

    /// <summary>The largest allowed <see cref="Height"/>, in pixels.</summary>
    public const int MaxHeight = 500;

    /// <summary>The width of the picture, in pixels.</summary>
    /// <value>Default 160. <see cref="MinWidth"/>–<see cref="MaxWidth"/>.</value>
    public int Width { get; set; } = 160;

    /// <summary>The height of the picture, in pixels.</summary>
    /// <value>Default 60. <see cref="MinHeight"/>–<see cref="MaxHeight"/>.</value>
    public int Height { get; set; } = 60;

    /// <summary>The problems of <paramref name="options"/>, each naming the configuration key to fix; empty when valid.</summary>
    internal static List<string> Validate(SkiaCaptchaImageOptions options)
    {
        var errors = new List<string>();
        if (options.Width is < MinWidth or > MaxWidth)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{SectionName}:Width must be between {MinWidth} and {MaxWidth} pixels; it is {options.Width}."));
        }

        if (options.Height is < MinHeight or > MaxHeight)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{SectionName}:Height must be between {MinHeight} and {MaxHeight} pixels; it is {options.Height}."));
        }

        return errors;
    }
}
