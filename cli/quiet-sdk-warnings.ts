// Imported first by the CLI's entry: on Node 20 the AWS SDK prints a multi-line notice that its
// releases after January 2027 need Node 22. The README recommends Node 22 already; at the
// operator's terminal the notice is noise around every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
