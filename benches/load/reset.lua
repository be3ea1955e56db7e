-- POST /api/v1/password/reset with the token given as the first script argument (a used one).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function init(args)
  wrk.body = string.format('{"token":"%s","password":"a long enough new passphrase"}', args[1])
end
