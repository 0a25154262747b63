using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Verification.Tests;

public sealed class CodeTests
{
    private const string Phone = "+86 155 8866 5555";
    private const string E164 = "+8615588665555";
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    public void Generate_Length_YieldsExactlyThatManyAsciiDigits(int length)
    {
        for (var i = 0; i < 500; i++)
        {
            var code = CodeHasher.Generate(length);

            Assert.Equal(length, code.Length);
            Assert.All(code, c => Assert.True(char.IsAsciiDigit(c), $"'{c}' (U+{(int)c:X4}) in a code is not an ASCII digit."));
        }
    }

    [Fact]
    public void Generate_20000SixDigitCodes_LeadingZerosOccurAboutOneInTen()
    {
        const int draws = 20_000;

        var leadingZeros = Enumerable.Range(0, draws).Count(_ => CodeHasher.Generate(6)[0] == '0');

        // Expected 2000, standard deviation about 42: the bounds are more than ten deviations away.
        Assert.InRange(leadingZeros, 1_500, 2_500);
    }

    [Fact]
    public void Generate_20000SixDigitCodes_EveryPositionIsRoughlyUniform()
    {
        const int draws = 20_000;
        const int length = 6;
        var counts = new int[length, 10];
        for (var i = 0; i < draws; i++)
        {
            var code = CodeHasher.Generate(length);
            for (var position = 0; position < length; position++)
            {
                counts[position, code[position] - '0']++;
            }
        }

        const double expected = draws / 10.0;
        for (var position = 0; position < length; position++)
        {
            var chiSquare = 0.0;
            for (var digit = 0; digit < 10; digit++)
            {
                var difference = counts[position, digit] - expected;
                chiSquare += difference * difference / expected;
            }

            // 9 degrees of freedom: P(chi² > 60) is about 1e-9 for a uniform source, so this never flakes,
            // while a digit that never appears (chi² ≈ 2200) or a skewed draw fails at once.
            Assert.True(chiSquare < 60, $"Position {position} is not uniform: chi² = {chiSquare:F1}.");
        }
    }

    [Fact]
    public void NewNonce_TwoCalls_AreDistinct32HexCharacters()
    {
        var first = CodeHasher.NewNonce();
        var second = CodeHasher.NewNonce();

        Assert.Matches("^[0-9a-f]{32}$", first);
        Assert.Matches("^[0-9a-f]{32}$", second);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Hash_SameInputs_IsTheSame32Bytes()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var id = Guid.NewGuid();
        var nonce = CodeHasher.NewNonce();

        var first = new CodeHasher(key).Hash(id, nonce, "123456");
        var second = new CodeHasher(key.ToArray()).Hash(id, nonce, "123456");

        Assert.Equal(CodeHasher.HashLength, first.Length);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Hash_AnotherRecordId_Differs()
    {
        var hasher = new CodeHasher(RandomNumberGenerator.GetBytes(32));
        var nonce = CodeHasher.NewNonce();

        Assert.NotEqual(hasher.Hash(Guid.NewGuid(), nonce, "123456"), hasher.Hash(Guid.NewGuid(), nonce, "123456"));
    }

    [Fact]
    public void Hash_AnotherNonce_Differs()
    {
        var hasher = new CodeHasher(RandomNumberGenerator.GetBytes(32));
        var id = Guid.NewGuid();

        Assert.NotEqual(hasher.Hash(id, CodeHasher.NewNonce(), "123456"), hasher.Hash(id, CodeHasher.NewNonce(), "123456"));
    }

    [Theory]
    [InlineData("123456", "123457")]
    [InlineData("012345", "12345")]
    [InlineData("0000", "00000")]
    [InlineData("1234567890", "1234567891")]
    public void Hash_AnotherCode_Differs(string code, string other)
    {
        var hasher = new CodeHasher(RandomNumberGenerator.GetBytes(32));
        var id = Guid.NewGuid();
        var nonce = CodeHasher.NewNonce();

        Assert.NotEqual(hasher.Hash(id, nonce, code), hasher.Hash(id, nonce, other));
    }

    [Fact]
    public void Hash_AnotherKey_Differs()
    {
        var id = Guid.NewGuid();
        var nonce = CodeHasher.NewNonce();

        var first = new CodeHasher(RandomNumberGenerator.GetBytes(32)).Hash(id, nonce, "123456");
        var second = new CodeHasher(RandomNumberGenerator.GetBytes(32)).Hash(id, nonce, "123456");

        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    [InlineData(8)]
    [InlineData(10)]
    public async Task SendAsync_ConfiguredLength_DeliversCodeOfThatLengthThatVerifies(int length)
    {
        var h = CreateHarness(o => o.Code.Length = length);

        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone));

        Assert.True(sent.Succeeded, sent.ToString());
        var message = Assert.Single(h.Outbox.Messages);
        Assert.Equal(length, message.Code.Length);
        Assert.All(message.Code, c => Assert.True(char.IsAsciiDigit(c)));
        Assert.Contains(message.Code, message.Body, StringComparison.Ordinal);
        var verified = await h.Service.VerifyAsync(new VerifyRequest(sent.Value.VerificationId, message.Code));
        Assert.True(verified.Succeeded, verified.ToString());
    }

    [Fact]
    public async Task SendAsync_CodeStartingWithZero_IsDeliveredWholeAndVerifies()
    {
        // The numbers share one prefix; the prefix velocity guard (10 per hour) would ask for a captcha at the 11th.
        var h = CreateHarness(o => o.Throttling.PerNumberPrefix.Limit = 0);

        // One code in ten starts with '0'; 300 sends miss all of them with probability 0.9^300 ≈ 2e-14.
        for (var i = 0; i < 300; i++)
        {
            var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: $"+86 155 {i:D8}"));
            Assert.True(sent.Succeeded, sent.ToString());
            var message = h.Outbox.Messages[^1];
            Assert.Equal(6, message.Code.Length);
            if (message.Code[0] != '0')
            {
                continue;
            }

            Assert.Contains(message.Code, message.Body, StringComparison.Ordinal);
            var verified = await h.Service.VerifyAsync(new VerifyRequest(sent.Value.VerificationId, message.Code));
            Assert.True(verified.Succeeded, verified.ToString());
            return;
        }

        Assert.Fail("No code among 300 started with '0'.");
    }

    [Theory]
    [InlineData("012345", "12345")]
    [InlineData("001234", "1234")]
    [InlineData("000000", "0000")]
    public async Task VerifyAsync_StoredCodeWithLeadingZeros_VerifiesOnlyWithItsZeros(string code, string withoutZeros)
    {
        var h = CreateHarness();
        var verificationId = await SaveRecordAsync(h, code);

        var stripped = await h.Service.VerifyAsync(new VerifyRequest(verificationId, withoutZeros));
        var whole = await h.Service.VerifyAsync(new VerifyRequest(verificationId, code));

        Assert.False(stripped.Succeeded);
        Assert.Equal(VerificationErrorCodes.InvalidVerificationCode, stripped.Error.Code);
        Assert.Equal(VerificationErrorReasons.Wrong, stripped.Error.Reason);
        Assert.True(whole.Succeeded, whole.ToString());
    }

    [Theory]
    [InlineData("fullwidth")]
    [InlineData("arabic-indic")]
    [InlineData("devanagari")]
    public async Task VerifyAsync_CodeInOtherDecimalDigits_Verifies(string script)
    {
        var h = CreateHarness();
        var (id, code) = await SendAsync(h);
        var zero = script switch
        {
            "fullwidth" => '\uFF10',
            "arabic-indic" => '\u0660',
            _ => '\u0966',
        };
        var typed = new string(code.Select(c => (char)(zero + (c - '0'))).ToArray());
        Assert.NotEqual(code, typed);

        var verified = await h.Service.VerifyAsync(new VerifyRequest(id, typed));

        Assert.True(verified.Succeeded, verified.ToString());
    }

    [Theory]
    [InlineData(" {0} ")]
    [InlineData("  {0}")]
    [InlineData("\t{0}\r\n")]
    [InlineData("\u3000{0}\u3000")]
    public async Task VerifyAsync_CodeWithSurroundingWhitespace_Verifies(string format)
    {
        var h = CreateHarness();
        var (id, code) = await SendAsync(h);

        var verified = await h.Service.VerifyAsync(new VerifyRequest(id, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, code)));

        Assert.True(verified.Succeeded, verified.ToString());
    }

    [Theory]
    [InlineData("12345a", VerificationErrorReasons.Malformed)]
    [InlineData("abcdef", VerificationErrorReasons.Malformed)]
    [InlineData("ABCDEF", VerificationErrorReasons.Malformed)]
    [InlineData("１２３４５ａ", VerificationErrorReasons.Malformed)]
    [InlineData("12 34 56", VerificationErrorReasons.Malformed)]
    [InlineData("123-456", VerificationErrorReasons.Malformed)]
    [InlineData("+123456", VerificationErrorReasons.Malformed)]
    [InlineData("12345.6", VerificationErrorReasons.Malformed)]
    [InlineData("¹²³⁴⁵⁶", VerificationErrorReasons.Malformed)]
    [InlineData("①②③④⑤⑥", VerificationErrorReasons.Malformed)]
    [InlineData("一二三四五六", VerificationErrorReasons.Malformed)]
    [InlineData("123", VerificationErrorReasons.Malformed)]
    [InlineData("12345678901", VerificationErrorReasons.Malformed)]
    [InlineData("123456789012345678901234567890123", VerificationErrorReasons.TooLong)]
    [InlineData("", VerificationErrorReasons.Missing)]
    [InlineData("   ", VerificationErrorReasons.Missing)]
    public async Task VerifyAsync_CodeThatIsNotDigits_IsInvalidArgumentAndCostsNoAttempt(string typed, string reason)
    {
        var h = CreateHarness();
        var (id, code) = await SendAsync(h);

        var refused = await h.Service.VerifyAsync(new VerifyRequest(id, typed));

        Assert.False(refused.Succeeded);
        Assert.Equal(VerificationErrorCodes.InvalidArgument, refused.Error.Code);
        Assert.Equal(reason, refused.Error.Reason);
        Assert.Equal("verification_code", refused.Error.Field);

        // Nothing reached the store: the first wrong code still has all but one of the 5 attempts left.
        var wrong = await h.Service.VerifyAsync(new VerifyRequest(id, WrongCode(code)));
        Assert.False(wrong.Succeeded);
        Assert.Equal(4, wrong.Error.AttemptsRemaining);
        var verified = await h.Service.VerifyAsync(new VerifyRequest(id, code));
        Assert.True(verified.Succeeded, verified.ToString());
    }

    [Fact]
    public async Task VerifyAsync_NullCode_IsInvalidArgumentMissing()
    {
        var h = CreateHarness();
        var (id, _) = await SendAsync(h);

        var refused = await h.Service.VerifyAsync(new VerifyRequest(id, null));

        Assert.False(refused.Succeeded);
        Assert.Equal(VerificationErrorCodes.InvalidArgument, refused.Error.Code);
        Assert.Equal(VerificationErrorReasons.Missing, refused.Error.Reason);
        Assert.Equal("verification_code", refused.Error.Field);
    }

    private static string WrongCode(string code) =>
        string.Concat(code.AsSpan(0, code.Length - 1), code[^1] == '9' ? "0" : ((char)(code[^1] + 1)).ToString());

    /// <summary>Stores a record for a code the test chooses, exactly as SendAsync would, and returns its verification id.</summary>
    private static async Task<string> SaveRecordAsync(Harness h, string code)
    {
        var errors = new List<string>();
        var ring = SigningKeyRing.Load(h.Options.Tokens, errors);
        Assert.True(ring is not null, string.Join(Environment.NewLine, errors));
        var tokens = new TokenService(ring, h.Options.ProjectId, h.Options.Tokens.ClockSkew);
        var hasher = new CodeHasher(Convert.FromBase64String(h.Options.Tokens.HashKey!));
        var recordId = Guid.NewGuid();
        var nonce = CodeHasher.NewNonce();
        var expiresAt = Start + h.Options.Code.Lifetime;
        var record = new CodeRecord { Id = recordId, ContactKey = E164, CodeHash = hasher.Hash(recordId, nonce, code), ExpiresAt = expiresAt };

        var saved = await h.Store.SaveAsync(record, [], waiveSoftLimits: false, Start);

        Assert.Equal(SaveStatus.Saved, saved.Status);
        return tokens.CreateVerificationId(recordId, nonce, E164, null, expiresAt);
    }

    private static async Task<(string Id, string Code)> SendAsync(Harness h)
    {
        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone));
        Assert.True(sent.Succeeded, sent.ToString());
        return (sent.Value.VerificationId, h.Outbox.Messages[^1].Code);
    }

    private static Harness CreateHarness(Action<VerificationOptions>? configure = null)
    {
        // HS256 with a fresh secret: cheap keys that belong to this test alone.
        var options = new VerificationOptions();
        TestKeys.UseFreshHs256(options.Tokens);
        configure?.Invoke(options);
        var store = new InMemoryCodeStore();
        var outbox = new FakeSmsSender();
        var service = new VerificationService(Options.Create(options), store, [outbox], [new FakeEmailSender()], timeProvider: new FakeTimeProvider(Start));
        return new Harness(service, options, store, outbox);
    }

    private sealed record Harness(VerificationService Service, VerificationOptions Options, InMemoryCodeStore Store, FakeSmsSender Outbox);
}
