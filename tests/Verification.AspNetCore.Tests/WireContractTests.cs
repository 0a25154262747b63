using System.Net;
using System.Reflection;
using System.Text.Json;

namespace Verification.AspNetCore.Tests;

/// <summary>The JSON the endpoints write agrees with the one source of the wire names, and each code with its status.</summary>
public sealed class WireContractTests
{
    private static readonly string[] WireNames = [.. typeof(WireFields).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!)];

    [Fact]
    public async Task ErrorBodies_UseOnlyTheWireFieldNames()
    {
        await using var app = await TestApp.StartAsync();

        await app.SendAsync($$"""{"phone_number":"{{TestApp.Phone}}"}""");
        using var refused = await app.PostAsync("/auth/v1/verification", $$"""{"phone_number":"{{TestApp.Phone}}"}""");
        using var invalid = await app.PostAsync("/auth/v1/verification", """{"target":"nope","phone_number":"+86 15588665555"}""");

        foreach (var response in (HttpResponseMessage[])[refused, invalid])
        {
            var body = await Json.ReadAsync(response);
            Assert.All(Json.PropertyNames(body), name => Assert.Contains(name, WireNames));
            Assert.All(Json.PropertyNames(body.GetProperty(WireFields.Details)), name => Assert.Contains(name, WireNames));
        }

        Assert.Equal(WireFields.Target, Json.Detail(await Json.ReadAsync(invalid), WireFields.Field));
    }

    [Fact]
    public async Task SuccessBodies_AreTheSourceGeneratedContractsNames()
    {
        await using var app = await TestApp.StartAsync(o => o.UserDirectory = new FakeUserDirectory());

        using var sent = await app.PostAsync("/auth/v1/verification", $$"""{"email":"{{TestApp.Email}}"}""");
        var sendBody = await Json.ReadSuccessAsync(sent);
        using var verified = await app.PostAsync("/auth/v1/verification/verify", VerificationFlowTests.VerifyJson(sendBody.GetProperty("verification_id").GetString()!, app.EmailSender.LastCode!));
        var verifyBody = await Json.ReadSuccessAsync(verified);

        Assert.Equal(Names(VerificationJsonContext.Default.VerificationResponse.Properties.Select(p => p.Name)), Json.PropertyNames(sendBody));
        Assert.Equal(Names(VerificationJsonContext.Default.VerifyResponse.Properties.Select(p => p.Name)), Json.PropertyNames(verifyBody));
    }

    [Fact]
    public void RequestBodies_AreSpelledByTheWireFields()
    {
        string[] declared = [.. new[]
        {
            VerificationJsonContext.Default.SendVerificationBody.Properties,
            VerificationJsonContext.Default.VerifyVerificationBody.Properties,
            VerificationJsonContext.Default.CaptchaVerifyBody.Properties,
            VerificationJsonContext.Default.VerificationErrorBody.Properties,
            VerificationJsonContext.Default.VerificationErrorDetails.Properties,
        }.SelectMany(p => p).Select(p => p.Name)];

        Assert.All(declared, name => Assert.Contains(name, WireNames));
    }

    [Theory]
    [InlineData("ANY", VerificationTarget.Any)]
    [InlineData("USER", VerificationTarget.User)]
    [InlineData("NOT_USER", VerificationTarget.NotUser)]
    public void TargetValues_AreTheEnumsJsonNames(string wire, VerificationTarget target)
    {
        Assert.True(WireValues.TryParseTarget(wire, out var parsed));
        Assert.Equal(target, parsed);
        Assert.Equal($"\"{wire}\"", JsonSerializer.Serialize(target, VerificationJsonContext.Default.VerificationTarget));
        Assert.False(WireValues.TryParseTarget(wire.ToLowerInvariant(), out _));
        Assert.False(WireValues.TryParseTarget(((int)target).ToString(System.Globalization.CultureInfo.InvariantCulture), out _));
    }

    [Fact]
    public void UsageValues_AreTheEnumsJsonNames()
    {
        foreach (var usage in Enum.GetValues<VerificationUsage>())
        {
            var wire = JsonSerializer.Serialize(usage, VerificationJsonContext.Default.VerificationUsage).Trim('"');
            Assert.True(WireValues.TryParseUsage(wire, out var parsed));
            Assert.Equal(usage, parsed);
        }
    }

    [Fact]
    public void GetHttpStatus_OfEveryDocumentedCode_IsItsDocumentedStatus()
    {
        var expected = new Dictionary<string, int>
        {
            [VerificationErrorCodes.UserNotFound] = 404,
            [VerificationErrorCodes.AlreadyExists] = 409,
            [VerificationErrorCodes.IdempotencyKeyReused] = 422,
            [VerificationErrorCodes.Unauthenticated] = 401,
            [VerificationErrorCodes.UserBlocked] = 403,
            [VerificationErrorCodes.RateLimitExceeded] = 429,
            [VerificationErrorCodes.Internal] = 500,
            [VerificationErrorCodes.Unavailable] = 503,
            [VerificationHttpErrorCodes.NotFound] = 404,
            [VerificationHttpErrorCodes.MethodNotAllowed] = 405,
        };

        foreach (var code in VerificationErrorCodes.All.Concat([VerificationHttpErrorCodes.NotFound, VerificationHttpErrorCodes.MethodNotAllowed]).Distinct())
        {
            Assert.Equal(expected.GetValueOrDefault(code, 400), VerificationHttpErrorCodes.GetHttpStatus(code));
        }

        Assert.Throws<ArgumentException>(() => VerificationHttpErrorCodes.GetHttpStatus("made_up"));
    }

    private static string[] Names(IEnumerable<string> names) => [.. names.Order(StringComparer.Ordinal)];
}
