import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

export type HttpEvent = APIGatewayProxyEvent;
export type HttpResult = APIGatewayProxyResult;
/** What a route may read of the Lambda context: the time its function has left. */
export type HttpContext = Pick<Context, 'getRemainingTimeInMillis'>;
export type HttpHandler = (event: HttpEvent, context?: HttpContext) => Promise<HttpResult>;
