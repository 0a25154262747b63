using System.Net;
using System.Text.Json;

namespace Verification.AspNetCore.Tests;

/// <summary>The documented send → verify flow over real HTTP, for both channels.</summary>
public sealed class VerificationFlowTests
{
    public static TheoryData<VerificationChannel, string, string> Contacts => new()
    {
        { VerificationChannel.Sms, $$"""{"phone_number":"{{TestApp.Phone}}"}""", TestApp.PhoneE164 },
        { VerificationChannel.Email, $$"""{"email":"{{TestApp.Email}}"}""", TestApp.Email },
    };

    [Theory]
    [MemberData(nameof(Contacts))]
    public async Task SendThenVerify_WithTheCodeFromTheOutbox_AnswersExactlyTheDocumentedFields(VerificationChannel channel, string contactJson, string to)
    {
        await using var app = await TestApp.StartAsync();

        using var sent = await app.PostAsync("/auth/v1/verification", contactJson);
        var sendBody = await Json.ReadSuccessAsync(sent);
        Assert.Equal("utf-8", sent.Content.Headers.ContentType?.CharSet);
        Assert.Equal(["expires_in", "verification_id"], Json.PropertyNames(sendBody));
        Assert.Equal(JsonValueKind.String, sendBody.GetProperty("verification_id").ValueKind);
        Assert.Equal(600, sendBody.GetProperty("expires_in").GetInt32());

        var message = Assert.Single(app.Messages);
        Assert.Equal(channel, message.Channel);
        Assert.Equal(to, message.To);
        Assert.Contains(message.Code, message.Body, StringComparison.Ordinal);

        var verifyJson = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["verification_id"] = sendBody.GetProperty("verification_id").GetString()!,
            ["verification_code"] = message.Code,
        });
        using var verified = await app.PostAsync("/auth/v1/verification/verify", verifyJson);
        var verifyBody = await Json.ReadSuccessAsync(verified);
        Assert.Equal(["expires_in", "verification_token"], Json.PropertyNames(verifyBody));
        Assert.False(string.IsNullOrEmpty(verifyBody.GetProperty("verification_token").GetString()));
        Assert.Equal(600, verifyBody.GetProperty("expires_in").GetInt32());
        Assert.Equal("no-store", verified.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Verify_SameCodeTwice_SecondAnswersInvalidVerificationCodeUsed()
    {
        await using var app = await TestApp.StartAsync();
        var id = await app.SendAsync($$"""{"phone_number":"{{TestApp.Phone}}"}""");
        var verify = VerifyJson(id, app.SmsSender.LastCode!);

        using var first = await app.PostAsync("/auth/v1/verification/verify", verify);
        await Json.ReadSuccessAsync(first);
        using var second = await app.PostAsync("/auth/v1/verification/verify", verify);

        var body = await Json.AssertErrorAsync(second, HttpStatusCode.BadRequest, "invalid_verification_code", 4003);
        Assert.Equal("used", Json.Detail(body, "reason"));
    }

    [Fact]
    public async Task Send_WithoutUserDirectory_OmitsIsUser()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.PostAsync("/auth/v1/verification", $$"""{"phone_number":"{{TestApp.Phone}}"}""");

        var body = await Json.ReadSuccessAsync(response);
        Assert.False(body.TryGetProperty("is_user", out _));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Send_WithUserDirectory_AnswersIsUser(bool exists)
    {
        var directory = exists ? new FakeUserDirectory(TestApp.PhoneE164) : new FakeUserDirectory();
        await using var app = await TestApp.StartAsync(o => o.UserDirectory = directory);

        using var response = await app.PostAsync("/auth/v1/verification", $$"""{"phone_number":"{{TestApp.Phone}}"}""");

        var body = await Json.ReadSuccessAsync(response);
        Assert.Equal(["expires_in", "is_user", "verification_id"], Json.PropertyNames(body));
        Assert.Equal(exists, body.GetProperty("is_user").GetBoolean());
    }

    [Fact]
    public async Task Send_WithUserDirectoryAndIncludeIsUserOff_OmitsIsUser()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.UserDirectory = new FakeUserDirectory(TestApp.Email);
            o.Verification = v => v.IncludeIsUser = false;
        });

        using var response = await app.PostAsync("/auth/v1/verification", $$"""{"email":"{{TestApp.Email}}"}""");

        Assert.Equal(["expires_in", "verification_id"], Json.PropertyNames(await Json.ReadSuccessAsync(response)));
    }

    [Theory]
    [InlineData("USER", true)]
    [InlineData("NOT_USER", false)]
    public async Task Send_WithTargetTheDirectoryAgreesWith_Sends(string target, bool exists)
    {
        var directory = exists ? new FakeUserDirectory(TestApp.Email) : new FakeUserDirectory();
        await using var app = await TestApp.StartAsync(o => o.UserDirectory = directory);

        using var response = await app.PostAsync("/auth/v1/verification", $$"""{"email":"{{TestApp.Email}}","target":"{{target}}","usage":"SIGN_IN"}""");

        Assert.Equal(exists, (await Json.ReadSuccessAsync(response)).GetProperty("is_user").GetBoolean());
        Assert.Equal(VerificationUsage.SignIn, app.EmailSender.LastMessage!.Usage);
    }

    [Fact]
    public async Task Send_WithNullFieldsAndUnknownFields_TreatsNullAsAbsentAndIgnoresTheRest()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.PostAsync(
            "/auth/v1/verification",
            $$"""{"phone_number":"{{TestApp.Phone}}","email":null,"target":null,"usage":null,"extra":{"a":[1,2,{"b":true}]},"n":1.5e3}""");

        await Json.ReadSuccessAsync(response);
        Assert.Single(app.Messages);
    }

    internal static string VerifyJson(string id, string code) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["verification_id"] = id, ["verification_code"] = code });
}
