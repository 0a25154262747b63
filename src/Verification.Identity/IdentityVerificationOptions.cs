namespace Verification.Identity;

/// <summary>
/// Settings of the Identity endpoints (<c>MapVerificationSignIn&lt;TUser&gt;()</c>), bound from the
/// <c>Verification:Identity</c> configuration section.
/// </summary>
public sealed class IdentityVerificationOptions
{
    /// <summary>The configuration section the options bind from: <c>"Verification:Identity"</c>.</summary>
    public const string SectionName = "Verification:Identity";

    /// <summary>
    /// Whether sign-up accepts a <c>password</c> and sign-in accepts <c>username</c> + <c>password</c>
    /// (<c>Verification:Identity:AllowPasswords</c>). Passwords are checked by Identity's password validators and
    /// its lockout; a user with two-factor sign-in enabled cannot sign in with a password alone.
    /// </summary>
    /// <value>Default <see langword="false"/>: passwordless only, every sign-up and sign-in redeems a verification token.</value>
    public bool AllowPasswords { get; set; }

    /// <summary>
    /// Whether sign-up and sign-in set Identity's application cookie (<c>IdentityConstants.ApplicationScheme</c>,
    /// through <c>SignInManager.SignInAsync</c>) and answer <c>{"sub"}</c> only, instead of answering bearer
    /// credentials (<c>Verification:Identity:UseCookies</c>). For apps whose pages and API share one origin; the
    /// CloudBase client needs the bearer credentials. <c>user/me</c> accepts the cookie too.
    /// </summary>
    /// <value>Default <see langword="false"/>: bearer credentials from Identity's bearer-token scheme.</value>
    public bool UseCookies { get; set; }
}
