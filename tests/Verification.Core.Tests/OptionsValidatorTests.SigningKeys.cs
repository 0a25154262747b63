using System.Security.Cryptography;

namespace Verification.Tests;

public sealed partial class OptionsValidatorTests
{
    [Theory]
    [InlineData("PS256")]
    [InlineData("HS512")]
    [InlineData("none")]
    [InlineData("")]
    public void Validate_UnknownAlgorithm_FailsNamingAlgorithm(string algorithm)
    {
        var options = ValidOptions();
        options.Tokens.Algorithm = algorithm;

        Assert.Contains("Verification:Tokens:Algorithm", AssertSingleFailure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AlgorithmInLowerCase_Succeeds()
    {
        var options = ValidOptions();
        options.Tokens.Algorithm = "es256";

        AssertValid(options);
    }

    [Fact]
    public void Validate_Rsa1024Key_FailsAsTooShort()
    {
        using var rsa = RSA.Create(1024);
        var options = ValidOptions();
        options.Tokens.Algorithm = "RS256";
        options.Tokens.SigningKeys = [new SigningKeyOptions { KeyId = "rsa-1024", Pem = rsa.ExportPkcs8PrivateKeyPem() }];

        var failure = AssertSingleFailure(options);

        Assert.Contains("Verification:Tokens:SigningKeys:0", failure, StringComparison.Ordinal);
        Assert.Contains("1024", failure, StringComparison.Ordinal);
        Assert.Contains("2048", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EcKeyWithRs256_FailsAsNotAnRsaKey()
    {
        var options = ValidOptions();
        options.Tokens.Algorithm = "RS256";

        var failure = AssertSingleFailure(options);

        Assert.Contains("Verification:Tokens:SigningKeys:0", failure, StringComparison.Ordinal);
        Assert.Contains("RSA", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RsaKeyWithEs256_FailsAsNotAnEcKey()
    {
        using var rsa = RSA.Create(1024);
        var options = ValidOptions();
        options.Tokens.SigningKeys = [new SigningKeyOptions { KeyId = "rsa", Pem = rsa.ExportPkcs8PrivateKeyPem() }];

        var failure = AssertSingleFailure(options);

        Assert.Contains("Verification:Tokens:SigningKeys:0", failure, StringComparison.Ordinal);
        Assert.Contains("EC", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_P384KeyWithEs256_FailsNamingP256()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var options = ValidOptions();
        options.Tokens.SigningKeys = [new SigningKeyOptions { KeyId = "p384", Pem = ecdsa.ExportPkcs8PrivateKeyPem() }];

        Assert.Contains("P-256", AssertSingleFailure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Hs256WithSecretOf31Bytes_FailsNamingSecret()
    {
        var options = ValidOptions();
        options.Tokens.Algorithm = "HS256";
        options.Tokens.SigningKeys = [new SigningKeyOptions { KeyId = "hs", Secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(31)) }];

        Assert.Contains("Verification:Tokens:SigningKeys:0:Secret", AssertSingleFailure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Hs256WithSecretOf32Bytes_Succeeds()
    {
        var options = ValidOptions();
        options.Tokens.Algorithm = "HS256";
        options.Tokens.SigningKeys = [new SigningKeyOptions { KeyId = "hs", Secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }];

        AssertValid(options);
    }

    [Fact]
    public void Validate_Hs256WithPemKey_Fails()
    {
        var options = ValidOptions();
        options.Tokens.Algorithm = "HS256";

        Assert.Contains("Verification:Tokens:SigningKeys:0", AssertSingleFailure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Es256WithSecret_Fails()
    {
        var options = ValidOptions();
        options.Tokens.SigningKeys = [new SigningKeyOptions { KeyId = "hs", Secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }];

        Assert.Contains("Verification:Tokens:SigningKeys:0:Secret", AssertSingleFailure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DuplicateKeyIds_FailsNamingKeyId()
    {
        var options = ValidOptions();
        options.Tokens.SigningKeys.Add(new SigningKeyOptions { KeyId = "ec-1", Pem = NewEcPem() });

        var failure = AssertSingleFailure(options);

        Assert.Contains("Verification:Tokens:SigningKeys:1:KeyId", failure, StringComparison.Ordinal);
        Assert.Contains("ec-1", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DistinctKeyIdsForRotation_Succeeds()
    {
        var options = ValidOptions();
        options.Tokens.SigningKeys.Add(new SigningKeyOptions { KeyId = "ec-0", Pem = NewEcPem() });

        AssertValid(options);
    }

    [Fact]
    public void Validate_PublicKeyAsFirstKey_FailsAsPublic()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var options = ValidOptions();
        options.Tokens.SigningKeys = [new SigningKeyOptions { KeyId = "pub", Pem = ecdsa.ExportSubjectPublicKeyInfoPem() }];

        Assert.Contains("public key", AssertSingleFailure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PublicKeyAsSecondKey_Succeeds()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var options = ValidOptions();
        options.Tokens.SigningKeys.Add(new SigningKeyOptions { KeyId = "old", Pem = ecdsa.ExportSubjectPublicKeyInfoPem() });

        AssertValid(options);
    }

    [Fact]
    public void Validate_KeyWithPemAndSecret_FailsAskingForExactlyOne()
    {
        var options = ValidOptions();
        options.Tokens.SigningKeys[0].Secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        Assert.Contains("exactly one of Pem, PemFile and Secret", AssertSingleFailure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PemFileThatExists_Succeeds()
    {
        var path = Path.Combine(Path.GetTempPath(), $"verification-key-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, NewEcPem());
        try
        {
            var options = ValidOptions();
            options.Tokens.SigningKeys = [new SigningKeyOptions { KeyId = "file", PemFile = path }];

            AssertValid(options);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Validate_PemFileMissing_FailsNamingPemFile()
    {
        var options = ValidOptions();
        var path = Path.Combine(Path.GetTempPath(), $"verification-missing-{Guid.NewGuid():N}.pem");
        options.Tokens.SigningKeys = [new SigningKeyOptions { KeyId = "file", PemFile = path }];

        var failure = AssertSingleFailure(options);

        Assert.Contains("Verification:Tokens:SigningKeys:0:PemFile", failure, StringComparison.Ordinal);
        Assert.Contains(path, failure, StringComparison.Ordinal);
    }
}
