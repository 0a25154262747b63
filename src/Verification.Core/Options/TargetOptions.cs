namespace Verification;

/// <summary>The <c>target</c> field of a send (<c>Verification:Targets</c>).</summary>
public sealed class TargetOptions
{
    /// <summary>
    /// Whether <c>target: USER</c> / <c>NOT_USER</c> check the account (answering <c>user_not_found</c> /
    /// <c>already_exists</c>). Off, every target answers exactly like <c>ANY</c>: nothing tells who has an account,
    /// and the app checks the account itself when the token is redeemed.
    /// </summary>
    /// <value>Default true.</value>
    public bool Enabled { get; set; } = true;
}
