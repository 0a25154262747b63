namespace Verification.TencentCloud.Tests;

/// <summary>
/// The whole path: <see cref="IVerificationService.SendAsync"/> with <c>AddTencentCloudSms</c> as the only SMS sender
/// and the Kestrel stand-in as Tencent Cloud.
/// </summary>
public sealed class EndToEndTests
{
    [Fact]
    public async Task SendAsync_ThroughTencentCloud_DeliversACodeThatVerifies()
    {
        await using var standIn = await SendSmsStandIn.StartAsync(Answer.Ok, () => Harness.Now);
        using var h = new Harness(standIn.Endpoint);

        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: "+86 155 8866 5555"));

        Assert.True(sent.Succeeded, sent.ToString());
        Assert.Empty(standIn.Problems);
        var request = Assert.Single(standIn.Requests);
        Assert.Equal([Harness.Phone], request.PhoneNumberSet);
        var code = request.TemplateParamSet[0];
        Assert.Matches("^[0-9]{6}$", code);
        Assert.Equal("10", request.TemplateParamSet[1]);

        var verified = await h.Service.VerifyAsync(new VerifyRequest(sent.Value.VerificationId, code));
        Assert.True(verified.Succeeded, verified.ToString());
    }

    [Fact]
    public async Task SendAsync_WhenTencentRefusesTheNumber_AnswersInvalidPhoneNumber()
    {
        await using var standIn = await SendSmsStandIn.StartAsync(r => Answer.PerNumber(r, "InvalidParameterValue.IncorrectPhoneNumber"), () => Harness.Now);
        using var h = new Harness(standIn.Endpoint);

        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: "+86 155 8866 5555"));

        Assert.False(sent.Succeeded);
        Assert.Equal(VerificationErrorCodes.InvalidPhoneNumber, sent.Error.Code);
        Assert.Single(standIn.Requests);
    }

    [Fact]
    public async Task SendAsync_WhenTencentIsMisconfigured_AnswersUnavailable()
    {
        await using var standIn = await SendSmsStandIn.StartAsync(Answer.Ok, () => Harness.Now);
        using var h = new Harness(standIn.Endpoint, o => o.SecretKey = "wrong-key");

        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: "+86 155 8866 5555"));

        Assert.False(sent.Succeeded);
        Assert.Equal(VerificationErrorCodes.Unavailable, sent.Error.Code);
    }

    [Fact]
    public async Task AddTencentCloudSms_CalledTwice_RegistersOneSender()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var builder = services.AddVerification(o => o.Tokens.AllowEphemeralKey = true);
        builder.AddTencentCloudSms(Configure).AddTencentCloudSms(Configure).AddTencentCloudSms();
        await using var provider = services.BuildServiceProvider();

        var sender = Assert.Single(provider.GetServices<ISmsSender>());
        Assert.Equal("tencentcloud", sender.Name);

        static void Configure(TencentCloudSmsOptions o)
        {
            o.SecretId = Account.SecretId;
            o.SecretKey = Account.SecretKey;
            o.Region = Account.Region;
            o.SmsSdkAppId = Account.SmsSdkAppId;
            o.TemplateId = Account.TemplateId;
        }
    }
}
