namespace Verification.Captcha.Image;

/// <summary>The characters of image-captcha keys: upper-case letters and digits without look-alikes (no 0/O/Q, 1/I, 2/Z, 5/S, 8/B, G/6).</summary>
public static class ImageCaptchaAlphabet
{
    /// <summary>The alphabet: <c>ACDEFHJKLMNPRTUVWXY34679</c>.</summary>
    public const string Characters = "ACDEFHJKLMNPRTUVWXY34679";
}
