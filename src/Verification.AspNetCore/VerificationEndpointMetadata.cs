namespace Verification.AspNetCore;

/// <summary>Marks the endpoints of one <c>MapVerificationEndpoints</c> group and carries its error format.</summary>
internal sealed class VerificationEndpointMetadata(VerificationErrorFormat errorFormat)
{
    public VerificationErrorFormat ErrorFormat { get; } = errorFormat;
}
