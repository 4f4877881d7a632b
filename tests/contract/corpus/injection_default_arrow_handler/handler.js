export default (req) => Response.html(`<pre>${req.body}</pre>`);
