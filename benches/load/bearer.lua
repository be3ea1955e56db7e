-- GET of the URL given to wrk with the session token given as the first script argument
-- (`Authorization: Bearer lls1_…`): every request runs the session check.
function init(args)
  wrk.headers["Authorization"] = "Bearer " .. args[1]
end
