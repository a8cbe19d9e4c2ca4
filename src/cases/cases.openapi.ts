import { ApiProblems } from '../common/openapi/openapi-document';

/** 404 for what need-to-know hides: the caller learns nothing, and the attempt is audited as denied. */
export const ApiCaseNotFound = (what = 'case'): MethodDecorator & ClassDecorator =>
  ApiProblems({ status: 404, description: `No such ${what}, or the caller is neither a member of the case nor a supervisor (need to know: the attempt is audited as denied)` });
