namespace Verification.Testing;

/// <summary>What <c>.UseFakes()</c> wires besides the fake senders.</summary>
public sealed class VerificationFakesOptions
{
    /// <summary>
    /// The code every send uses (4–10 digits, as many as <c>Verification:Code:Length</c>), so a test can type it
    /// without reading the outbox. Sets <see cref="FakeCodeGenerator.FixedCode"/>.
    /// </summary>
    /// <value>Default null: random codes, as in production.</value>
    public string? FixedCode { get; set; }

    /// <summary>
    /// Whether a <see cref="FakeUserDirectory"/> replaces the app's <see cref="IUserDirectory"/>. Set it to false
    /// when your test goes through your own sign-up, which writes to your own directory.
    /// </summary>
    /// <value>Default true.</value>
    public bool ReplaceUserDirectory { get; set; } = true;

    /// <summary>Whether a <see cref="FakeCaptchaValidator"/> replaces the app's <see cref="ICaptchaValidator"/>.</summary>
    /// <value>Default true.</value>
    public bool ReplaceCaptchaValidator { get; set; } = true;

    /// <summary>
    /// A clock that replaces the registered <see cref="System.TimeProvider"/>, typically a
    /// <c>FakeTimeProvider</c> (Microsoft.Extensions.TimeProvider.Testing) that the test advances past the resend
    /// cooldown or a code's lifetime.
    /// </summary>
    /// <value>Default null: the registered clock stays.</value>
    public TimeProvider? TimeProvider { get; set; }
}
