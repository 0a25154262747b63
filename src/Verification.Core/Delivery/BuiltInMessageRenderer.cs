using System.Globalization;
using System.Net;

namespace Verification;

/// <summary>The built-in wording in English and Simplified Chinese; any Chinese culture gets Chinese, every other English.</summary>
internal sealed class BuiltInMessageRenderer : IVerificationMessageRenderer
{
    public RenderedMessage Render(MessageRenderContext context)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling(context.Lifetime.TotalMinutes));
        var englishMinutes = minutes == 1 ? "1 minute" : $"{minutes} minutes";
        var chinese = IsChinese(context.Culture);
        var product = string.IsNullOrWhiteSpace(context.ProductName) ? null : context.ProductName.Trim();
        var purpose = chinese ? ChinesePurpose(context.Usage) : EnglishPurpose(context.Usage);

        if (context.Channel == VerificationChannel.Sms)
        {
            var text = chinese
                ? $"{(product is null ? string.Empty : $"【{product}】")}您的{purpose}验证码为：{context.Code}，{minutes}分钟内有效。请勿泄露给他人。"
                : $"{context.Code} is your {(product is null ? string.Empty : product + " ")}{purpose} code. It expires in {englishMinutes}. Do not share it with anyone.";
            return new RenderedMessage(null, text, null);
        }

        string subject, body, lead, expiry, warning;
        if (chinese)
        {
            subject = $"{product}{purpose}验证码";
            lead = $"您的{product}{purpose}验证码为：";
            expiry = $"{minutes}分钟内有效。";
            warning = "如果不是您本人操作，请忽略此邮件。请勿将验证码告诉任何人。";
        }
        else
        {
            subject = $"Your {(product is null ? string.Empty : product + " ")}{purpose} code";
            lead = $"Your {(product is null ? string.Empty : product + " ")}{purpose} code is:";
            expiry = $"It expires in {englishMinutes}.";
            warning = "If you did not ask for it, ignore this email. Never share the code with anyone.";
        }

        body = $"{lead}\n\n    {context.Code}\n\n{expiry}\n{warning}\n";
        var html =
            "<!DOCTYPE html><html><body style=\"font-family:sans-serif\">" +
            $"<p>{WebUtility.HtmlEncode(lead)}</p>" +
            $"<p style=\"font-size:28px;font-weight:bold;letter-spacing:4px\">{WebUtility.HtmlEncode(context.Code)}</p>" +
            $"<p>{WebUtility.HtmlEncode(expiry)}</p><p style=\"color:#666\">{WebUtility.HtmlEncode(warning)}</p>" +
            "</body></html>";
        return new RenderedMessage(subject, body, html);
    }

    private static bool IsChinese(CultureInfo culture)
    {
        for (var c = culture; !c.Equals(CultureInfo.InvariantCulture); c = c.Parent)
        {
            if (c.TwoLetterISOLanguageName == "zh")
            {
                return true;
            }
        }

        return false;
    }

    private static string EnglishPurpose(VerificationUsage? usage) => usage switch
    {
        VerificationUsage.Register => "sign-up",
        VerificationUsage.SignIn => "sign-in",
        VerificationUsage.PasswordReset => "password reset",
        VerificationUsage.EmailAddressChange => "email change",
        VerificationUsage.PhoneNumberChange => "phone number change",
        _ => "verification",
    };

    private static string ChinesePurpose(VerificationUsage? usage) => usage switch
    {
        VerificationUsage.Register => "注册",
        VerificationUsage.SignIn => "登录",
        VerificationUsage.PasswordReset => "重置密码",
        VerificationUsage.EmailAddressChange => "更换邮箱",
        VerificationUsage.PhoneNumberChange => "更换手机号",
        _ => "身份验证",
    };
}
