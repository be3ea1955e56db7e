-- GET of the URL given to wrk with `Authorization: Bearer <key>`, the key given as the first
-- script argument: every request runs the admin API's key check.
function init(args)
  wrk.headers["Authorization"] = "Bearer " .. args[1]
end
