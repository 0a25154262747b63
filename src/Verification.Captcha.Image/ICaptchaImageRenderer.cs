namespace Verification.Captcha.Image;

/// <summary>
/// Draws the picture of an image-captcha challenge. The engine (the built-in image captcha) chooses the text,
/// stores its hash and checks the answer; the renderer only draws. <see cref="SkiaCaptchaImageRenderer"/> is the
/// SkiaSharp one.
/// </summary>
public interface ICaptchaImageRenderer
{
    /// <summary>
    /// Draws <paramref name="text"/> (4–6 characters of <see cref="ImageCaptchaAlphabet.Characters"/>) as a PNG,
    /// distorted and with noise so that it is easy for a person and costly for a machine to read.
    /// </summary>
    /// <param name="text">The characters to draw, upper case.</param>
    /// <returns>The PNG bytes.</returns>
    byte[] RenderPng(string text);
}
