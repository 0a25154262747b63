using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Verification;

/// <summary>The signing keys and the hash key of one service, loaded once from validated options.</summary>
internal sealed record KeyMaterial(TokenService Tokens, CodeHasher Hasher, string Algorithm, bool IsEphemeral)
{
    /// <summary>Loads the keys, making ephemeral ones where the options allow it.</summary>
    /// <exception cref="OptionsValidationException">A key cannot be loaded.</exception>
    public static KeyMaterial Load(VerificationOptions settings)
    {
        var errors = new List<string>();
        var keys = SigningKeyRing.Load(settings.Tokens, errors)
            ?? throw new OptionsValidationException(Options.DefaultName, typeof(VerificationOptions), errors);
        var hashKey = settings.Tokens.HashKey is { } configured ? SigningKeyRing.TryDecodeBase64(configured)! : RandomNumberGenerator.GetBytes(32);
        return new KeyMaterial(
            new TokenService(keys, settings.ProjectId, settings.Tokens.ClockSkew),
            new CodeHasher(hashKey),
            keys.Algorithm,
            keys.IsEphemeral || settings.Tokens.HashKey is null);
    }
}
