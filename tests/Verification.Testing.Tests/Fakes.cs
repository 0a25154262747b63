using Microsoft.Extensions.DependencyInjection;

namespace Verification.Testing.Tests;

/// <summary>A service provider with Verification and its fakes, as an app's unit test would build it.</summary>
internal static class Fakes
{
    public const string Phone = "+86 155 8866 5555";

    public static ServiceProvider Build(
        Action<VerificationFakesOptions>? fakes = null,
        Action<VerificationOptions>? options = null,
        Action<IVerificationBuilder>? before = null,
        Action<IVerificationBuilder>? after = null)
    {
        var services = new ServiceCollection();
        var builder = services.AddVerification(o => options?.Invoke(o));
        before?.Invoke(builder);
        builder.UseFakes(fakes);
        after?.Invoke(builder);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
