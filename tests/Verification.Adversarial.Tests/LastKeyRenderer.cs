using Verification.Captcha.Image;

namespace Verification.Adversarial.Tests;

/// <summary>Draws nothing; remembers the last captcha key, so a test can solve its own challenge.</summary>
internal sealed class LastKeyRenderer : ICaptchaImageRenderer
{
    private volatile string _last = string.Empty;

    public string Last => _last;

    public byte[] RenderPng(string text)
    {
        _last = text;
        return [0x89, 0x50, 0x4E, 0x47];
    }
}
