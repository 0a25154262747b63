using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Verification.AspNetCore.Tests;

/// <summary>Every malformed body answers invalid_argument 400 with the JSON error body, never a 500.</summary>
public sealed class RequestBodyErrorTests
{
    private const string Send = "/auth/v1/verification";
    private const string Verify = "/auth/v1/verification/verify";

    [Fact]
    public async Task Send_WithBothContacts_AnswersInvalidArgumentExactlyOneContact()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.PostAsync(Send, $$"""{"phone_number":"{{TestApp.Phone}}","email":"{{TestApp.Email}}"}""");

        await Json.AssertInvalidArgumentAsync(response, "email", "exactly_one_contact");
        Assert.Empty(app.Messages);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"target":"ANY"}""")]
    [InlineData("""{"phone_number":"","email":"  "}""")]
    public async Task Send_WithNeitherContact_AnswersInvalidArgumentExactlyOneContact(string json)
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.PostAsync(Send, json);

        await Json.AssertInvalidArgumentAsync(response, "phone_number", "exactly_one_contact");
    }

    [Theory]
    [InlineData("FOO")]
    [InlineData("any")]
    [InlineData("")]
    public async Task Send_WithUnknownTarget_AnswersInvalidArgumentOnTarget(string target)
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.PostAsync(Send, $$"""{"phone_number":"{{TestApp.Phone}}","target":"{{target}}"}""");

        await Json.AssertInvalidArgumentAsync(response, "target", "unknown_value");
    }

    [Theory]
    [InlineData("LOGIN")]
    [InlineData("register")]
    public async Task Send_WithUnknownUsage_AnswersInvalidArgumentOnUsage(string usage)
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.PostAsync(Send, $$"""{"phone_number":"{{TestApp.Phone}}","usage":"{{usage}}"}""");

        await Json.AssertInvalidArgumentAsync(response, "usage", "unknown_value");
    }

    [Theory]
    [InlineData("""{"phone_number":8615588665555}""", "phone_number")]
    [InlineData("""{"phone_number":["+86 15588665555"]}""", "phone_number")]
    [InlineData("""{"phone_number":{"number":"+86 15588665555"}}""", "phone_number")]
    [InlineData("""{"phone_number":true}""", "phone_number")]
    [InlineData("""{"email":false}""", "email")]
    [InlineData("""{"email":"someone@example.com","target":1}""", "target")]
    [InlineData("""{"email":"someone@example.com","usage":["REGISTER"]}""", "usage")]
    public async Task Send_WithWrongJsonType_AnswersInvalidArgumentOnTheField(string json, string field)
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.PostAsync(Send, json);

        await Json.AssertInvalidArgumentAsync(response, field, "malformed");
    }

    [Theory]
    [InlineData("""{"verification_id":1,"verification_code":"123456"}""", "verification_id")]
    [InlineData("""{"verification_id":"x","verification_code":123456}""", "verification_code")]
    [InlineData("""{"verification_id":"x","verification_code":{}}""", "verification_code")]
    [InlineData("""{"verification_id":"x","verification_code":[1,2,3,4,5,6]}""", "verification_code")]
    [InlineData("""{"verification_id":true,"verification_code":"123456"}""", "verification_id")]
    public async Task Verify_WithWrongJsonType_AnswersInvalidArgumentOnTheField(string json, string field)
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.PostAsync(Verify, json);

        await Json.AssertInvalidArgumentAsync(response, field, "malformed");
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"phone_number":"+86 15588665555" """)]
    [InlineData("""{"phone_number":"+86 15588665555",}""")]
    [InlineData("""{phone_number:"+86 15588665555"}""")]
    [InlineData("""{'phone_number':'+86 15588665555'}""")]
    [InlineData("""{"phone_number":"+86 15588665555"} {}""")]
    [InlineData("""{"phone_number":"+86 15588665555"}x""")]
    [InlineData("""{"phone_number":"+86 15588665555" /* c */}""")]
    [InlineData("phone_number=%2B8615588665555")]
    public async Task Send_WithMalformedJson_AnswersInvalidArgumentOnBody(string body)
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.PostAsync(Send, body);

        await Json.AssertInvalidArgumentAsync(response, "body", "malformed");
        Assert.Empty(app.Messages);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""["+86 15588665555"]""")]
    [InlineData("\"+86 15588665555\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public async Task Send_WithNonObjectRoot_AnswersInvalidArgumentOnBody(string body)
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.PostAsync(Send, body);

        await Json.AssertInvalidArgumentAsync(response, "body", "malformed");
    }

    [Theory]
    [InlineData(Send)]
    [InlineData(Verify)]
    public async Task Post_WithEmptyBody_AnswersInvalidArgumentBodyMissing(string path)
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.PostBytesAsync(path, [], contentType: null);

        await Json.AssertInvalidArgumentAsync(response, "body", "missing");
    }

    [Fact]
    public async Task Send_WithDuplicateField_AnswersInvalidArgumentOnThatField()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.PostAsync(Send, """{"phone_number":"+86 15588665555","phone_number":"+86 15588665556"}""");

        await Json.AssertInvalidArgumentAsync(response, "phone_number", "malformed");
        Assert.Empty(app.Messages);
    }

    [Fact]
    public async Task Send_WithBodyOf4097BytesAndContentLength_AnswersInvalidArgumentTooLong()
    {
        await using var app = await TestApp.StartAsync();
        var body = Padded(4097);

        using var response = await app.PostBytesAsync(Send, body);

        await Json.AssertInvalidArgumentAsync(response, "body", "too_long");
        Assert.Empty(app.Messages);
    }

    [Theory]
    [InlineData(4097)]
    [InlineData(64 * 1024)]
    public async Task Send_WithOversizeChunkedBodyWithoutContentLength_AnswersInvalidArgumentTooLong(int size)
    {
        await using var app = await TestApp.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, Send) { Content = new UnknownLengthContent(Padded(size)) };
        request.Headers.TransferEncodingChunked = true;

        using var response = await app.Client.SendAsync(request);

        Assert.Null(request.Content.Headers.ContentLength);
        await Json.AssertInvalidArgumentAsync(response, "body", "too_long");
        Assert.Empty(app.Messages);
    }

    [Fact]
    public async Task Send_WithBodyOfExactly4096Bytes_IsAccepted()
    {
        await using var app = await TestApp.StartAsync();

        using var withLength = await app.PostBytesAsync(Send, Padded(4096));
        await Json.ReadSuccessAsync(withLength);

        using var request = new HttpRequestMessage(HttpMethod.Post, Send) { Content = new UnknownLengthContent(Padded(4096, "someone@example.org", "email")) };
        request.Headers.TransferEncodingChunked = true;
        using var chunked = await app.Client.SendAsync(request);
        await Json.ReadSuccessAsync(chunked);
    }

    [Theory]
    [InlineData("phone_number")]
    [InlineData("email")]
    public async Task Send_WithInvalidUtf8InAField_AnswersInvalidArgumentOnBody(string field)
    {
        await using var app = await TestApp.StartAsync();
        byte[] body = [.. Encoding.UTF8.GetBytes($$"""{"{{field}}":"a"""), 0xFF, 0xFE, 0xC3, .. Encoding.UTF8.GetBytes("\"}")];

        using var response = await app.PostBytesAsync(Send, body);

        await Json.AssertInvalidArgumentAsync(response, "body", "malformed");
    }

    [Fact]
    public async Task Send_WithUtf8ByteOrderMarkBeforeTheJson_Sends()
    {
        await using var app = await TestApp.StartAsync();
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes($$"""{"email":"{{TestApp.Email}}"}""")];

        using var response = await app.PostBytesAsync(Send, body, "text/plain;charset=UTF-8");

        await Json.ReadSuccessAsync(response);
        Assert.Equal(TestApp.Email, app.EmailSender.LastMessage!.To);
    }

    [Theory]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF })]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, 0x7B, 0x7D })]
    public async Task Send_WithOnlyAByteOrderMarkOrTwo_AnswersInvalidArgumentOnBody(byte[] body)
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.PostBytesAsync(Send, body);

        await Json.AssertInvalidArgumentAsync(response, "body", "malformed");
    }

    [Fact]
    public async Task Send_WithLoneSurrogateEscapeInAField_AnswersInvalidArgumentOnBody()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.PostAsync(Send, """{"phone_number":"\ud800"}""");

        await Json.AssertInvalidArgumentAsync(response, "body", "malformed");
    }

    [Fact]
    public async Task Send_WithInvalidUtf8OutsideStrings_AnswersInvalidArgumentOnBody()
    {
        await using var app = await TestApp.StartAsync();
        byte[] body = [0xFF, .. Encoding.UTF8.GetBytes("""{"email":"someone@example.com"}""")];

        using var response = await app.PostBytesAsync(Send, body);

        await Json.AssertInvalidArgumentAsync(response, "body", "malformed");
    }

    [Fact]
    public async Task Send_WithDeeplyNestedUnknownFieldUnder4KiB_AnswersInvalidArgumentOnBody()
    {
        await using var app = await TestApp.StartAsync();
        var body = """{"phone_number":"+86 15588665555","x":""" + new string('[', 2000) + new string(']', 2000) + "}";

        using var response = await app.PostAsync(Send, body);

        await Json.AssertInvalidArgumentAsync(response, "body", "malformed");
        Assert.Empty(app.Messages);
    }

    [Fact]
    public async Task Send_With10000OpenBracketsInAnUnknownField_AnswersInvalidArgumentNot500()
    {
        await using var app = await TestApp.StartAsync();
        var body = """{"x":""" + new string('[', 10_000);

        using var response = await app.PostAsync(Send, body);

        await Json.AssertInvalidArgumentAsync(response, "body");
    }

    [Fact]
    public async Task Send_WithShallowNestingInAnUnknownField_SkipsIt()
    {
        await using var app = await TestApp.StartAsync();
        var body = """{"x":""" + new string('[', 10) + new string(']', 10) + ""","phone_number":"+86 15588665555"}""";

        using var response = await app.PostAsync(Send, body);

        await Json.ReadSuccessAsync(response);
    }

    [Theory]
    [InlineData("""{"verification_code":"123456"}""", "verification_id", "missing")]
    [InlineData("""{"verification_id":"abc"}""", "verification_code", "missing")]
    [InlineData("""{"verification_id":"abc","verification_code":"12ab56"}""", "verification_code", "malformed")]
    public async Task Verify_WithMissingOrMalformedField_AnswersInvalidArgument(string json, string field, string reason)
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.PostAsync(Verify, json);

        await Json.AssertInvalidArgumentAsync(response, field, reason);
    }

    /// <summary>A valid send body padded with an unknown field to exactly <paramref name="size"/> bytes.</summary>
    private static byte[] Padded(int size, string contact = TestApp.Phone, string field = "phone_number")
    {
        var head = $$"""{"{{field}}":"{{contact}}","pad":" """;
        var padding = size - Encoding.UTF8.GetByteCount(head) - 2;
        var json = head + new string('x', padding) + "\"}";
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.Equal(size, bytes.Length);
        return bytes;
    }

    /// <summary>Content whose length is not known up front, so it goes out chunked with no Content-Length.</summary>
    private sealed class UnknownLengthContent : HttpContent
    {
        private readonly byte[] _data;

        public UnknownLengthContent(byte[] data)
        {
            _data = data;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            // Several writes, so the body really arrives in more than one chunk.
            for (var offset = 0; offset < _data.Length; offset += 1000)
            {
                await stream.WriteAsync(_data.AsMemory(offset, Math.Min(1000, _data.Length - offset)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task ReadAsync_BodyThatEndsBeforeItsLength_IsInvalidArgumentOnBodyNotAnException()
    {
        // What Kestrel throws when a client sends fewer bytes than its Content-Length and closes (seen under load).
        var context = new DefaultHttpContext();
        context.Request.Body = new EndsEarlyStream(Encoding.UTF8.GetBytes("""{"phone_number":"+86"""));

        var result = await VerificationRequestBody.ReadAsync(context.Request, VerificationJsonContext.Default.SendVerificationBody);

        Assert.False(result.Succeeded);
        Assert.Equal(VerificationErrorCodes.InvalidArgument, result.Error!.Code);
        Assert.Equal("body", result.Error.Field);
        Assert.Equal(VerificationErrorReasons.Malformed, result.Error.Reason);
    }

    /// <summary>A request body that gives its bytes and then fails as Kestrel's does when the content ends early.</summary>
    private sealed class EndsEarlyStream(byte[] start) : MemoryStream(start)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position < Length
                ? base.ReadAsync(buffer, cancellationToken)
                : throw new BadHttpRequestException("Unexpected end of request content.", StatusCodes.Status400BadRequest);
    }
}
