namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Returned by <see cref="VerificationServiceCollectionExtensions.AddVerification(IServiceCollection)"/>; adapter
/// packages extend it (<c>.UseRedisStore(…)</c>, <c>.AddSmtpEmail(…)</c>, …).
/// </summary>
public interface IVerificationBuilder
{
    /// <summary>The service collection Verification is registered in.</summary>
    IServiceCollection Services { get; }
}

internal sealed class VerificationBuilder(IServiceCollection services) : IVerificationBuilder
{
    public IServiceCollection Services { get; } = services;
}
